import { afterAll, expect, it } from 'vitest';
import { protect } from '../../../../src/bot/decide/protect.js';
import { cacheScope } from '../../../../src/bot/worker/stages/prefetch.js';
import { translateStage } from '../../../../src/bot/worker/stages/translate.js';
import { fakeProvider } from '../../../support/fake-provider.js';
import { stageEnv, textMessage } from '../../../support/stage-context.js';

const env = stageEnv('translate');
afterAll(() => env.close());

function ready(text: string, targets: string[], provider = fakeProvider()) {
  const made = env.context({}, { provider });
  Object.assign(made.ctx, { message: textMessage(text), format: 'text', targets, protected: protect(text, 'text') });
  return { ...made, provider };
}

it('asks the model once for all the languages, and leaves the answer to the check stage', async () => {
  const { ctx, provider, stats } = ready('good morning 👋', ['es', 'fr']);
  await translateStage.run(ctx);
  expect(provider.calls).toHaveLength(1);
  expect(provider.calls[0]).toMatchObject({ text: 'good morning ⟦0⟧', targetLanguages: ['es', 'fr'] });
  expect(ctx.answer?.languages).toEqual(['es', 'fr']);
  expect(ctx.translations).toEqual({});
  expect(ctx.modelCalls).toBe(1);
  expect(stats.counts).toMatchObject({ modelCalls: 1, cacheMisses: 2 });
});

it('serves cached languages restored and asks only for the rest', async () => {
  const provider = fakeProvider();
  await env.cache.putMany('see you ⟦0⟧', { es: 'hasta luego ⟦0⟧' }, cacheScope(provider, 'text'));
  const { ctx, stats } = ready('see you 👋', ['es', 'de'], provider);
  await translateStage.run(ctx);
  expect(ctx.translations).toEqual({ es: 'hasta luego 👋' });
  expect(provider.calls[0]?.targetLanguages).toEqual(['de']);
  expect(stats.counts).toMatchObject({ cacheHits: 1, cacheMisses: 1 });
});

it('uses the early lookup when it was for the same text and format', async () => {
  const { ctx, provider } = ready('thanks', ['es']);
  ctx.prefetched = { format: 'text', lookup: Promise.resolve({ protectedText: 'thanks', languages: ['es'], values: { es: 'gracias' } }) };
  await translateStage.run(ctx);
  expect(ctx.translations).toEqual({ es: 'gracias' });
  expect(provider.calls).toHaveLength(0);
});

it('does nothing without target languages', async () => {
  const { ctx, provider } = ready('hello', []);
  await translateStage.run(ctx);
  expect(provider.calls).toHaveLength(0);
});
