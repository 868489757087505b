import { describe, expect, it } from 'vitest';
import { checkLanguages, describeLanguage } from '../../../src/bot/decide/language-check.js';
import { composePost } from '../../../src/bot/worker/compose.js';
import { parseModes } from '../../../src/providers/apertium-modes.js';
import { apertiumSupport, findRoute, modelSupport, routesFromModes, unservable } from '../../../src/providers/language-support.js';

const installed = parseModes(['eng-spa', 'spa-eng', 'spa-eng_US', 'es-gl', 'gl-es', 'es-pt', 'es-pt_BR', 'pt-es', 'eng-spa-morph']);

describe('routes from installed Apertium modes', () => {
  it('lists direct pairs once (variants merged) and one-hop pivots where no direct pair exists', () => {
    const routes = routesFromModes(installed);
    expect(routes.filter((r) => !r.via)).toHaveLength(6);
    expect(routes).toContainEqual({ source: 'en', target: 'gl', via: 'es' });
    expect(routes).toContainEqual({ source: 'pt', target: 'gl', via: 'es' });
    expect(routes).toContainEqual({ source: 'gl', target: 'en', via: 'es' });
    // Never a pivot back to the source, never a pivot where a direct pair exists, never two hops.
    expect(routes.some((r) => r.source === r.target)).toBe(false);
    expect(routes.find((r) => r.source === 'en' && r.target === 'es')).toEqual({ source: 'en', target: 'es' });
    expect(routes.filter((r) => r.via)).toHaveLength(6);
  });

  it('finds the route of a message, prefers direct, and says why a target cannot be served', () => {
    const support = apertiumSupport(installed);
    expect(findRoute(support, 'en', 'gl')).toEqual({ source: 'en', target: 'gl', via: 'es' });
    expect(findRoute(support, 'es', 'pt-BR')).toEqual({ source: 'es', target: 'pt' });
    expect(findRoute(support, 'fr', 'es')).toBeNull();
    expect(unservable(support, 'en', 'de')).toBe('no-engine-pair');
    expect(unservable(support, 'fr', 'es')).toBe('no-engine-pair');
    expect(unservable(support, null, 'es')).toBeNull(); // unknown source: the engine detects it
    expect(unservable(support, null, 'de')).toBe('no-engine-pair');
    expect(unservable(modelSupport('m'), 'xx', 'de')).toBeNull();
    expect(unservable(modelSupport('m', ['es', 'FR']), 'en', 'fr')).toBeNull();
    expect(unservable(modelSupport('m', ['es', 'fr']), 'en', 'de')).toBe('language-not-offered');
  });
});

describe('checkLanguages', () => {
  it('refuses what no source reaches, naming what is available and the fix; notes limits and pivots', () => {
    const check = checkLanguages(['es', 'gl', 'de'], apertiumSupport(installed));
    expect(check.refused).toEqual(['de']);
    expect(check.error).toBe(
      'The offline engine (Apertium) cannot translate into de (German). Available: en (from es; from gl, pt pivoted via es), es (from en, gl, pt), gl (from es; from en, pt pivoted via es), pt (from es; from en, gl pivoted via es). To add a language, install an Apertium pair (`apt-cache search apertium`), or point parley at a model API (OPENAI_BASE_URL, see the README).',
    );
    expect(check.notes).toEqual(['es (Spanish): from en, gl, pt', 'gl (Galician): from es; from en, pt pivoted via es']);
  });

  it('says so when Apertium is not installed at all', () => {
    expect(checkLanguages(['es'], apertiumSupport([])).error).toMatch(/Available: none \(no translation engine is installed\)/);
  });

  it('accepts anything for a model without a list, and only the list with one', () => {
    expect(checkLanguages(['de', 'ja'], modelSupport('gpt-4o-mini'))).toEqual({ refused: [], error: '', notes: [] });
    expect(checkLanguages(['de'], modelSupport('llama3.1', ['es', 'fr'])).error).toBe(
      'The model llama3.1 cannot translate into de (German). Available: es, fr. To add a language, add it to PARLEY_MODEL_LANGUAGES.',
    );
  });

  it('describes a language for replies and listings', () => {
    const support = apertiumSupport(installed);
    expect(describeLanguage(undefined, 'es')).toBe('es (Spanish)');
    expect(describeLanguage(support, 'gl')).toBe('gl (Galician; from es; from en, pt pivoted via es)');
    expect(describeLanguage(support, 'de')).toBe('de (German; not available with the offline engine (Apertium))');
  });
});

describe('composePost', () => {
  const base = { sourceId: '1', sourceVersion: '1', format: 'text' as const };

  it('puts only translations in the content and every state in metadata', () => {
    const post = composePost({ ...base, translations: { es: 'Hola', gl: 'Ola' }, untranslated: { de: 'no Apertium pair installed for en→de' }, states: { es: 'ready', gl: 'ready', de: 'skipped:no-engine-pair' }, pivots: { gl: 'es' } });
    expect(post.content).toBe('[es] Hola\n[gl] Ola');
    expect(post.metadata).toMatchObject({
      parleyKind: 'translation',
      parleyLanguages: 'es,gl',
      parleyUntranslated: 'de',
      parleyStates: '{"de":"skipped:no-engine-pair","es":"ready","gl":"ready"}',
      parleyVia: '{"gl":"es"}',
    });
  });

  it('keeps what was not translated stated when many languages pass the 1 KB metadata limit', () => {
    const codes = Array.from({ length: 60 }, (_, i) => `l${String(i).padStart(2, '0')}`);
    const states = Object.fromEntries(codes.map((c, i) => [c, i === 59 ? 'failed:damaged' : 'ready'] as const));
    const translations = Object.fromEntries(codes.slice(0, 59).map((c) => [c, 'x']));
    const post = composePost({ ...base, translations, untranslated: { l59: 'the translation came back damaged' }, states });
    expect(JSON.parse(post.metadata.parleyStates!)).toEqual({ l59: 'failed:damaged' });
    const size = Object.entries(post.metadata).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
    expect(size).toBeLessThanOrEqual(1024);
  });
});
