import { afterAll, expect, it } from 'vitest';
import { postStage } from '../../../../src/bot/worker/stages/post.js';
import { stageEnv } from '../../../support/stage-context.js';

const env = stageEnv('post');
afterAll(() => env.close());

it('posts, counts the post and its live latency, and reports the languages', async () => {
  let counted = 0;
  const { ctx, poster, stats } = env.context({}, { onPosted: async () => void (counted += 1) });
  Object.assign(ctx, { post: { content: '[es] hola', type: 'text', metadata: {} }, translations: { es: 'hola' }, modelCalls: 1 });
  expect(await postStage.run(ctx)).toMatchObject({ outcome: 'posted', languages: ['es'], modelCalls: 1 });
  expect(poster.upserts).toHaveLength(1);
  expect(stats.counts.posted).toBe(1);
  expect(stats.latencies.map(([kind]) => kind)).toEqual(['e2e']);
  expect(counted).toBe(1);
});

it('leaves a backfilled message’s age out of the live latency', async () => {
  const { ctx, stats } = env.context({ changedAt: Date.now() - 3_600_000, enqueuedAt: Date.now() });
  ctx.post = { content: '[es] hola', type: 'text', metadata: {} };
  await postStage.run(ctx);
  expect(stats.latencies).toEqual([]);
});
