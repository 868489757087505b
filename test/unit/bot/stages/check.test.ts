import { afterAll, expect, it } from 'vitest';
import { protect } from '../../../../src/bot/decide/protect.js';
import { CorruptTranslationError, checkStage } from '../../../../src/bot/worker/stages/check.js';
import { cacheScope } from '../../../../src/bot/worker/stages/prefetch.js';
import type { TranslateResult } from '../../../../src/providers/types.js';
import { stageEnv, textMessage } from '../../../support/stage-context.js';

const env = stageEnv('check');
afterAll(() => env.close());

function answered(text: string, result: Partial<TranslateResult>, languages: string[], attemptsMade = 0) {
  const made = env.context({}, {}, attemptsMade, 2);
  Object.assign(made.ctx, {
    message: textMessage(text),
    format: 'text',
    targets: languages,
    protected: protect(text, 'text'),
    answer: { languages, result: { detectedLanguage: 'en', translations: {}, usage: { calls: 1, characters: text.length }, ...result } },
  });
  return made;
}

it('restores good answers and caches them', async () => {
  const { ctx } = answered('hi @bob', { translations: { es: 'hola ⟦0⟧' } }, ['es']);
  await checkStage.run(ctx);
  await ctx.cacheWrite;
  expect(ctx.translations).toEqual({ es: 'hola @bob' });
  expect(await env.cache.getMany('hi ⟦0⟧', ['es'], cacheScope(ctx.deps.provider, 'text'))).toEqual({ es: 'hola ⟦0⟧' });
});

it('reports what the engine said it cannot translate', async () => {
  const { ctx } = answered('hello', { untranslatable: { xx: 'unsupported pair' } }, ['xx']);
  await checkStage.run(ctx);
  expect(ctx.untranslated).toEqual({ xx: 'unsupported pair' });
});

it('throws on a damaged answer before the last attempt, having cached the good ones', async () => {
  const { ctx } = answered('ping @ann', { translations: { es: 'hola ⟦0⟧', fr: 'salut' } }, ['es', 'fr']);
  await expect(checkStage.run(ctx)).rejects.toBeInstanceOf(CorruptTranslationError);
  expect(await env.cache.getMany('ping ⟦0⟧', ['es', 'fr'], cacheScope(ctx.deps.provider, 'text'))).toEqual({ es: 'hola ⟦0⟧' });
});

it('reports a damaged answer as untranslated on the last attempt', async () => {
  const { ctx, stats } = answered('bye @ann', { translations: { fr: 'salut' } }, ['fr'], 1);
  await checkStage.run(ctx);
  expect(ctx.untranslated.fr).toMatch(/^the translation came back damaged \(missing token/);
  expect(stats.counts.untranslated).toBe(1);
});
