import { afterAll, expect, it } from 'vitest';
import type { ThreadSettings } from '../../../../src/bot/settings-store.js';
import { protectStage } from '../../../../src/bot/worker/stages/protect.js';
import { stageEnv, textMessage } from '../../../support/stage-context.js';

const env = stageEnv('protect');
afterAll(() => env.close());

const settings = (glossary = { keep: [] as string[], terms: {} }): ThreadSettings => ({
  threadId: 'thread-1', languages: ['es'], mode: 'translate', analysis: 'negative', enabled: true, addedOn: 0, glossary,
});

it('swaps mentions, code and URLs for tokens when there is something to translate', async () => {
  const { ctx } = env.context({});
  Object.assign(ctx, { message: textMessage('see `npm test` at https://example.com'), format: 'text', targets: ['es'], settings: settings() });
  await protectStage.run(ctx);
  expect(ctx.protected).toEqual({ text: 'see ⟦0⟧ at ⟦1⟧', placeholders: ['`npm test`', 'https://example.com'] });
});

it('finds the glossary terms in the text, never inside a URL or code', async () => {
  const { ctx } = env.context({});
  const glossary = { keep: ['Acme Cloud'], terms: { es: { ticket: 'incidencia' }, fr: { ticket: 'ticket' } } };
  Object.assign(ctx, { message: textMessage('Open a Ticket for acme cloud at https://acme.cloud/ticket'), format: 'text', targets: ['es'], settings: settings(glossary) });
  await protectStage.run(ctx);
  expect(ctx.glossary).toEqual({ keep: ['acme cloud'], terms: { es: [['Ticket', 'incidencia']] } });
});

it('does nothing without target languages', async () => {
  const { ctx } = env.context({});
  Object.assign(ctx, { message: textMessage('hello'), format: 'text', targets: [] });
  await protectStage.run(ctx);
  expect(ctx.protected).toBeUndefined();
});
