/**
 * The offline provider against the real Apertium from Debian packages
 * (`apt-get install -y apertium apertium-eng-spa apertium-es-gl apertium-es-pt`).
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApertiumProcess } from '../../../src/providers/apertium-process.js';
import { PROVIDER_ERROR_CODES as C, ProviderTransientError } from '../../../src/providers/errors.js';
import { LocalProvider } from '../../../src/providers/local-provider.js';

const MODES = '/usr/share/apertium/modes';
if (!['eng-spa', 'spa-eng', 'es-gl', 'gl-es', 'es-pt', 'pt-es'].every((m) => existsSync(`${MODES}/${m}.mode`))) {
  throw new Error('Apertium is missing: apt-get install -y apertium apertium-eng-spa apertium-es-gl apertium-es-pt');
}

const alive = (pid: number | undefined) => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitFor(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

let provider: LocalProvider;
beforeAll(() => {
  provider = new LocalProvider();
});
afterAll(async () => {
  await provider.close();
});

describe('LocalProvider.translate (Apertium)', () => {
  it('translates English to Spanish for real', async () => {
    const result = await provider.translate({ text: 'Hello, how are you?', format: 'text', targetLanguages: ['es'] });
    expect(result.detectedLanguage).toBe('en');
    expect(result.translations.es).toMatch(/^Hola, cómo/);
    expect(result.untranslatable).toBeUndefined();
    expect(result.usage).toEqual({ calls: 1, characters: 19 });
  });

  it('keeps placeholder tokens exactly', async () => {
    const result = await provider.translate({ text: 'I saw ⟦0⟧ yesterday with ⟦1⟧ and ⟦12⟧.', format: 'text', targetLanguages: ['es'], sourceLanguage: 'en' });
    const es = result.translations.es ?? '';
    expect(es).toMatch(/ayer/);
    for (const token of ['⟦0⟧', '⟦1⟧', '⟦12⟧']) expect(es.split(token)).toHaveLength(2);
  });

  it('keeps reserved stream characters and line breaks', async () => {
    const result = await provider.translate({ text: 'The cat [sic] is at x/y @home\nsee you', format: 'text', targetLanguages: ['es'], sourceLanguage: 'en' });
    expect(result.translations.es).toContain('[');
    expect(result.translations.es).toContain('x/y');
    expect(result.translations.es).toContain('@');
    expect(result.translations.es?.split('\n')).toHaveLength(2);
  });

  it('translates only the text of HTML, keeping tags, attributes and entities', async () => {
    const html = '<p>The <a href="https://x.test/?a=1&amp;b=2">dog</a> &amp; the cat</p>';
    const result = await provider.translate({ text: html, format: 'html', targetLanguages: ['es'], sourceLanguage: 'en' });
    expect(result.translations.es).toBe('<p>El <a href="https://x.test/?a=1&amp;b=2">perro</a> &amp; el gato</p>');
  });

  it('serves many messages from one warm pipeline (same PID, started once)', async () => {
    await provider.translate({ text: 'Good morning', format: 'text', targetLanguages: ['es'], sourceLanguage: 'en' });
    const pid = provider.enginePid('eng-spa');
    expect(alive(pid)).toBe(true);
    const texts = Array.from({ length: 25 }, (_, i) => `Message ${i}: the weather is nice today.`);
    const results = await Promise.all(texts.map((text) => provider.translate({ text, format: 'text', targetLanguages: ['es'], sourceLanguage: 'en' })));
    results.forEach((r, i) => expect(r.translations.es).toMatch(new RegExp(`^Mensaje ${i}: el tiempo`)));
    expect(provider.enginePid('eng-spa')).toBe(pid);
    expect(provider.engineStarts('eng-spa')).toBe(1);
  });

  it('reports unsupported pairs instead of faking them, and passes through the source language', async () => {
    const result = await provider.translate({ text: 'Hello, how are you?', format: 'text', targetLanguages: ['es', 'fr', 'en'], sourceLanguage: 'en' });
    expect(result.translations).toEqual({ es: expect.stringMatching(/^Hola/), en: 'Hello, how are you?' });
    expect(result.untranslatable).toEqual({ fr: { reason: 'no-engine-pair', detail: expect.stringMatching(/^no Apertium pair installed for en→fr \(installed: .*eng-spa/) } });
  });

  it('pivots through Spanish where no direct pair is installed (en→es→gl, en→es→pt, gl→es→en), sharing the first pass', async () => {
    const result = await provider.translate({ text: 'The house is very big.', format: 'text', targetLanguages: ['es', 'gl', 'pt'], sourceLanguage: 'en' });
    expect(result.translations.es).toMatch(/^La casa es muy grande/);
    expect(result.translations.gl).toMatch(/^A casa é moi grande/);
    expect(result.translations.pt).toMatch(/^A casa é muito grande/);
    expect(result.pivots).toEqual({ gl: 'es', pt: 'es' });
    expect(result.usage.calls).toBe(3); // en→es once, then es→gl and es→pt on its output
    const back = await provider.translate({ text: 'A casa é moi grande e o can é negro.', format: 'text', targetLanguages: ['en'], sourceLanguage: 'gl' });
    expect(back.translations.en).toMatch(/house/i);
    expect(back.pivots).toEqual({ en: 'es' });
  });

  it('says which languages it serves from which sources, pivots included', () => {
    const support = provider.languageSupport();
    expect(support.kind).toBe('routes');
    const routes = support.kind === 'routes' ? support.routes : [];
    expect(routes).toContainEqual({ source: 'en', target: 'es' });
    expect(routes).toContainEqual({ source: 'es', target: 'gl' });
    expect(routes).toContainEqual({ source: 'en', target: 'gl', via: 'es' });
    expect(routes).toContainEqual({ source: 'gl', target: 'en', via: 'es' });
    expect(routes.some((r) => r.target === 'de' || r.target === 'fr')).toBe(false);
  });

  it('detects Spanish and translates to English, using the en-US variant mode when asked', async () => {
    const result = await provider.translate({ text: 'Hola, ¿cómo estás? Espero que todo vaya bien.', format: 'text', targetLanguages: ['en', 'en-US'] });
    expect(result.detectedLanguage).toBe('es');
    expect(result.translations.en).toMatch(/^Hello/);
    expect(result.usage.calls).toBe(2);
    expect(provider.enginePid('spa-eng_US')).toBeDefined();
  });

  it('says so when the source language cannot be detected', async () => {
    const result = await provider.translate({ text: 'ok', format: 'text', targetLanguages: ['es'] });
    expect(result.untranslatable).toEqual({ es: { reason: 'source-undetected', detail: 'the source language could not be detected' } });
    expect(result.usage.calls).toBe(0);
  });

  it('restarts a crashed pipeline on the next message', async () => {
    await provider.translate({ text: 'One', format: 'text', targetLanguages: ['es'], sourceLanguage: 'en' });
    const pid = provider.enginePid('eng-spa') as number;
    const starts = provider.engineStarts('eng-spa');
    process.kill(-pid, 'SIGKILL');
    await waitFor(() => provider.enginePid('eng-spa') === undefined);
    const result = await provider.translate({ text: 'The house', format: 'text', targetLanguages: ['es'], sourceLanguage: 'en' });
    expect(result.translations.es).toBe('La casa');
    expect(provider.engineStarts('eng-spa')).toBe(starts + 1);
    expect(provider.enginePid('eng-spa')).not.toBe(pid);
  });
});

describe('ApertiumProcess timeouts and aborts', () => {
  it('times out a stuck pipeline, kills it, and starts a fresh one for the next message', async () => {
    const engine = new ApertiumProcess({ mode: 'eng-spa', timeoutMs: 300 });
    try {
      expect(await engine.translate('The dog')).toMatch(/^El perro/);
      const pid = engine.pid as number;
      process.kill(-pid, 'SIGSTOP'); // every stage frozen: the next message never comes back
      const started = Date.now();
      const error = await engine.translate('The cat').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderTransientError);
      expect((error as ProviderTransientError).code).toBe(C.timeout);
      expect(Date.now() - started).toBeLessThan(2_000);
      await waitFor(() => !alive(pid));
      expect(await engine.translate('The house')).toMatch(/^La casa/);
      expect(engine.starts).toBe(2);
      expect(engine.pid).not.toBe(pid);
    } finally {
      await engine.close();
    }
  });

  it('rejects at once when the caller aborts, and keeps the stream aligned', async () => {
    const engine = new ApertiumProcess({ mode: 'eng-spa' });
    try {
      const controller = new AbortController();
      const first = engine.translate('The first message', controller.signal);
      const second = engine.translate('The second message');
      controller.abort();
      await expect(first).rejects.toMatchObject({ code: C.aborted });
      await expect(second).resolves.toMatch(/^El segundo mensaje/);
      await expect(engine.translate('The third message')).resolves.toMatch(/^El tercer mensaje/);
    } finally {
      await engine.close();
    }
  });

  it('close() ends every process of the pipeline and fails later calls', async () => {
    const engine = new ApertiumProcess({ mode: 'eng-spa' });
    await engine.translate('Hello');
    const pid = engine.pid as number;
    await engine.close();
    await engine.close();
    expect(() => process.kill(-pid, 0)).toThrow();
    await expect(engine.translate('Hello')).rejects.toMatchObject({ code: C.closed });
  });
});

describe('LocalProvider.analyze', () => {
  it('scores clearly positive and clearly negative English', async () => {
    const positive = await provider.analyze({ text: 'I love this team, you did a wonderful job!' });
    expect(positive.sentiment).toBe('positive');
    expect(positive.confidence.positive).toBeGreaterThan(0.5);
    const negative = await provider.analyze({ text: 'This is terrible. I hate how awful this release is.' });
    expect(negative.sentiment).toBe('negative');
    expect(negative.confidence.negative).toBeGreaterThan(0.5);
    for (const r of [positive, negative]) {
      expect(r.confidence.positive + r.confidence.neutral + r.confidence.negative).toBeCloseTo(1, 3);
      expect(r.language).toBe('en');
    }
  });

  it('finds entities with offsets into the original text', async () => {
    const text = 'Please ask Maria Garcia in London, or write to maria@example.com.';
    const result = await provider.analyze({ text });
    expect(result.entities).toEqual([
      { text: 'Maria Garcia', category: 'Person', offset: 11, length: 12 },
      { text: 'London', category: 'Location', offset: 27, length: 6 },
      { text: 'maria@example.com', category: 'Email', offset: 47, length: 17 },
    ]);
  });

  it('scores Spanish through the Apertium English translation and says so', async () => {
    const result = await provider.analyze({ text: 'Me encanta este lugar, es maravilloso y la comida es excelente.' });
    expect(result.language).toBe('es');
    expect(result.sentiment).toBe('positive');
    expect(result.limitation).toMatch(/English translation \(spa-eng\)/);
    expect(result.usage.calls).toBe(1);
  });
});
