import { afterAll, expect, it } from 'vitest';
import type { ThreadSettings } from '../../../../src/bot/settings-store.js';
import { decideStage } from '../../../../src/bot/worker/stages/decide.js';
import { InlineTextWork } from '../../../../src/bot/text-work/text-work.js';
import { WorkerBudgetError } from '../../../../src/lib/worker-pool.js';
import { stageEnv, textMessage } from '../../../support/stage-context.js';

const env = stageEnv('decide');
afterAll(() => env.close());

const settings = (patch: Partial<ThreadSettings> = {}): ThreadSettings => ({
  threadId: 'thread-1', languages: ['es', 'fr'], mode: 'translate', analysis: 'negative', enabled: true, addedOn: 0, ...patch,
});

async function decided(content: string, patch: Partial<ThreadSettings> = {}, readers: Record<string, string[]> = {}, format: 'text' | 'html' = 'text') {
  const { ctx } = env.context({ message: textMessage(content) });
  Object.assign(ctx, { message: textMessage(content), format, settings: settings(patch), readers });
  await decideStage.run(ctx);
  return ctx;
}

it('targets the thread’s and the readers’ languages, not the sender’s own, nor the source language', async () => {
  const ctx = await decided('hello there', {}, { '8:acs:bob': ['de'], '8:acs:alice': ['it'] });
  expect(ctx.targets.sort()).toEqual(['de', 'es', 'fr']);
  expect(ctx.sourceLanguage).toBe('en');
  expect(ctx.deps.recentTargets.get('thread-1')).toEqual(ctx.targets);
  expect((await decided('hola que tal')).targets).toEqual(['fr']);
});

it('targets nothing in an analysis-only thread or for a message with nothing to translate', async () => {
  expect((await decided('hello', { mode: 'analyze' })).targets).toEqual([]);
  expect((await decided('https://example.com')).targets).toEqual([]);
});

it('keeps the plain text of an HTML message for detection and analysis', async () => {
  expect((await decided('<p>hello <b>there</b></p>', {}, {}, 'html')).plain).toBe('hello there');
});

it('skips a message whose text work ran past its budget, with the reason', async () => {
  const text = new InlineTextWork(() => ({ language: 'en', confidence: 1 }));
  text.inspect = () => Promise.reject(new WorkerBudgetError(2000));
  const { ctx } = env.context({ message: textMessage('a@a@a@a@') }, { text });
  Object.assign(ctx, { message: textMessage('a@a@a@a@'), format: 'text', settings: settings(), readers: {} });
  expect(await decideStage.run(ctx)).toEqual({ outcome: 'skipped: text work over its 2000 ms budget' });
  expect(ctx.targets).toEqual([]);
});
