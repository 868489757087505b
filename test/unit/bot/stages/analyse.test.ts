import { afterAll, expect, it } from 'vitest';
import type { ThreadSettings } from '../../../../src/bot/settings-store.js';
import { analyseStage } from '../../../../src/bot/worker/stages/analyse.js';
import { stageEnv, textMessage } from '../../../support/stage-context.js';

const env = stageEnv('analyse');
afterAll(() => env.close());

const settings = (patch: Partial<ThreadSettings>): ThreadSettings => ({
  threadId: 't-an', languages: [], mode: 'both', analysis: 'negative', enabled: true, addedOn: 0, ...patch,
});

async function analysed(text: string, patch: Partial<ThreadSettings>) {
  const made = env.context({ threadId: 't-an' });
  Object.assign(made.ctx, { message: textMessage(text), plain: text, settings: settings(patch) });
  await analyseStage.run(made.ctx);
  return made;
}

it('records the analysis for the dashboard and posts a negative one under the "negative" policy', async () => {
  const { ctx } = await analysed('this is terrible', {});
  expect(ctx.analysis?.sentiment).toBe('negative');
  expect(ctx.postAnalysis).toBe(true);
  expect(ctx.modelCalls).toBe(1);
  expect(await env.redis.exists(env.keys.sentiment('t-an'))).toBe(1);
});

it('keeps a neutral one off the thread under "negative", posts it under "all"', async () => {
  expect((await analysed('fine', {})).ctx.postAnalysis).toBe(false);
  expect((await analysed('fine', { analysis: 'all' })).ctx.postAnalysis).toBe(true);
});

it('does not analyse in a translate-only thread', async () => {
  const { ctx } = await analysed('this is terrible', { mode: 'translate' });
  expect(ctx.analysis).toBeUndefined();
  expect(ctx.modelCalls).toBe(0);
});
