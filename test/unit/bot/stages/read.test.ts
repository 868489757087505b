import { afterAll, expect, it } from 'vitest';
import { readStage } from '../../../../src/bot/worker/stages/read.js';
import { stageEnv, textMessage } from '../../../support/stage-context.js';

const env = stageEnv('read');
afterAll(() => env.close());

it('ends the job when the bot does not serve the thread', async () => {
  const { ctx } = env.context({ threadId: 'not-served', message: textMessage('hi') });
  expect(await readStage.run(ctx)).toEqual({ outcome: 'skipped: bot not in thread' });
});

it('reads the settings and the readers together, and starts the cache lookup for what the thread needed last', async () => {
  await env.settings.put('t-read', { languages: ['es'] });
  await env.settings.setReader('t-read', '8:acs:bob', ['fr']);
  const { ctx } = env.context({ threadId: 't-read', message: textMessage('hello') });
  ctx.deps.recentTargets.set('t-read', ['es']);
  expect(await readStage.run(ctx)).toBeUndefined();
  expect(ctx.settings?.languages).toEqual(['es']);
  expect(ctx.readers).toEqual({ '8:acs:bob': ['fr'] });
  expect(ctx.commands).toBe('none');
  expect(ctx.prefetched?.format).toBe('text');
  expect(await ctx.prefetched?.lookup).toEqual({ protectedText: 'hello', languages: ['es'], values: {} });
});

it('a delete reads no readers and starts no lookup', async () => {
  await env.settings.put('t-del', {});
  await env.settings.setReader('t-del', '8:acs:bob', ['fr']);
  const { ctx } = env.context({ threadId: 't-del', kind: 'deleted' });
  ctx.deps.recentTargets.set('t-del', ['es']);
  await readStage.run(ctx);
  expect(ctx.readers).toEqual({});
  expect(ctx.prefetched).toBeUndefined();
});
