import { afterAll, expect, it } from 'vitest';
import { applyGlossary } from '../../../../src/bot/decide/glossary.js';
import { protect } from '../../../../src/bot/decide/protect.js';
import type { ThreadSettings } from '../../../../src/bot/settings-store.js';
import { cacheScope } from '../../../../src/bot/worker/stages/prefetch.js';
import { translateStage } from '../../../../src/bot/worker/stages/translate.js';
import { fakeProvider } from '../../../support/fake-provider.js';
import { stageEnv, textMessage } from '../../../support/stage-context.js';

const env = stageEnv('translate');
afterAll(() => env.close());

const settings = (patch: Partial<ThreadSettings> = {}): ThreadSettings => ({
  threadId: 'thread-1', languages: [], mode: 'translate', analysis: 'negative', enabled: true, addedOn: 0, ...patch,
});

function ready(text: string, targets: string[], provider = fakeProvider(), patch: Partial<ThreadSettings> = {}) {
  const made = env.context({}, { provider });
  const s = settings(patch);
  const prot = protect(text, 'text');
  Object.assign(made.ctx, { message: textMessage(text), format: 'text', targets, protected: prot, settings: s, glossary: applyGlossary(prot.text, s.glossary ?? { keep: [], terms: {} }, targets) });
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

it('serves cached languages (left for the check stage) and asks only for the rest', async () => {
  const provider = fakeProvider();
  await env.cache.putMany('see you ⟦0⟧', { es: 'hasta luego ⟦0⟧' }, cacheScope(provider, 'text'));
  const { ctx, stats } = ready('see you 👋', ['es', 'de'], provider);
  await translateStage.run(ctx);
  expect(ctx.cached).toEqual({ es: 'hasta luego ⟦0⟧' });
  expect(provider.calls[0]?.targetLanguages).toEqual(['de']);
  expect(stats.counts).toMatchObject({ cacheHits: 1, cacheMisses: 1 });
});

it('uses the early lookup when it was for the same text and format', async () => {
  const { ctx, provider } = ready('thanks', ['es']);
  ctx.prefetched = { format: 'text', lookup: Promise.resolve({ protectedText: 'thanks', languages: ['es'], values: { es: 'gracias' } }) };
  await translateStage.run(ctx);
  expect(ctx.cached).toEqual({ es: 'gracias' });
  expect(provider.calls).toHaveLength(0);
});

it('sends the glossary terms found in the message, and a changed glossary changes the cache key', async () => {
  const glossary = { keep: ['Acme Cloud'], terms: { es: { ticket: 'incidencia' } } };
  const text = 'Please open a ticket for Acme Cloud.';
  const first = ready(text, ['es'], fakeProvider(), { glossary });
  await translateStage.run(first.ctx);
  expect(first.provider.calls[0]?.glossary).toEqual({ keep: ['Acme Cloud'], terms: { es: [['ticket', 'incidencia']] } });
  expect(first.ctx.variant).not.toBe('');

  const changed = ready(text, ['es'], fakeProvider(), { glossary: { ...glossary, terms: { es: { ticket: 'tique' } } } });
  await translateStage.run(changed.ctx);
  expect(changed.ctx.variant).not.toBe(first.ctx.variant);

  // The cache key moves with the variant: what was cached under the old glossary is not served.
  const provider = fakeProvider();
  await env.cache.putMany(first.ctx.protected!.text, { es: 'vieja' }, cacheScope(provider, 'text', first.ctx.variant));
  const again = ready(text, ['es'], provider, { glossary: { ...glossary, terms: { es: { ticket: 'tique' } } } });
  await translateStage.run(again.ctx);
  expect(again.ctx.cached).toEqual({});
  const same = ready(text, ['es'], provider, { glossary });
  await translateStage.run(same.ctx);
  expect(same.ctx.cached).toEqual({ es: 'vieja' });
});

it('a thread without glossary hits keeps the plain cache key (and the early lookup)', async () => {
  const { ctx } = ready('nothing special here', ['es'], fakeProvider(), { glossary: { keep: ['Acme Cloud'], terms: {} } });
  await translateStage.run(ctx);
  expect(ctx.variant).toBe('');
  expect(ctx.request?.glossary).toBeUndefined();
});

it('sends no formality or context to an engine that cannot use them', async () => {
  const { ctx, provider } = ready('Hello there, how are you?', ['es'], fakeProvider(), { formality: 'formal' });
  ctx.context = undefined;
  await translateStage.run(ctx);
  expect(provider.calls[0]?.formality).toBeUndefined();
  const llm = ready('Hello there, how are you?', ['es', 'de'], fakeProvider({ name: 'openai' }), { formality: { default: 'formal', de: 'informal' } });
  llm.ctx.context = [{ sender: 'Bob', text: 'The build is red.' }];
  await translateStage.run(llm.ctx);
  expect(llm.provider.calls[0]).toMatchObject({ formality: { es: 'formal', de: 'informal' }, context: [{ sender: 'Bob', text: 'The build is red.' }] });
});

it('does nothing without target languages', async () => {
  const { ctx, provider } = ready('hello', []);
  await translateStage.run(ctx);
  expect(provider.calls).toHaveLength(0);
});
