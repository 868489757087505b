import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { backfill } from '../../../src/cli/commands/backfill.js';
import { queueRetryFailed, queueStats } from '../../../src/cli/commands/queue.js';
import { loadConfig, type Config } from '../../../src/config/load-config.js';
import { eventually, nextBotPost, REDIS_URL, startDashboardStack, type DashboardStack } from '../../support/dashboard-stack.js';

let stack: DashboardStack;
let config: Config;
beforeAll(async () => {
  stack = await startDashboardStack();
  config = loadConfig({
    REDIS_URL,
    PARLEY_REDIS_PREFIX: stack.prefix,
    PARLEY_REDIS_MANAGE: 'off',
    PARLEY_CHAT_URL: stack.backend.url,
    PARLEY_ACCESS_KEY: stack.backend.accessKey,
  });
});
afterAll(() => stack?.close());

function capture() {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c) => (text += String(c)));
  return { out, text: () => text };
}

const botPosts = (threadId: string, alice: string) =>
  stack.backend.chat.listMessages(alice, threadId, { limit: 200, startTime: -1, beforeSeq: null }).messages.filter((m) => m.senderId === stack.bot.botId && m.metadata?.parleyKind !== 'greeting');

it('backfills a thread’s history with progress, and a second run is a no-op', async () => {
  const alice = stack.backend.identity.createUser();
  const { thread } = stack.backend.chat.createThread(alice, { topic: 'history', participants: [] });
  const old = ['First question', 'Second question', 'Third question'].map((content) => stack.backend.chat.sendMessage(alice, thread.id, { content, type: 'text' }));
  await stack.botAdmin.add(thread.id, { languages: ['es'] });
  // Only messages after the bot joined are translated live.
  const live = nextBotPost(stack, thread.id);
  stack.backend.chat.sendMessage(alice, thread.id, { content: 'Live one', type: 'text' });
  await live;
  const callsBefore = stack.provider.calls.length;
  const liveSamples = await eventually(async () => (await stack.bot.stats.samples('e2e')).length);

  const first = capture();
  const result = await backfill(config, { threadId: thread.id, since: '1h', out: first.out, timeoutMs: 20_000 });
  expect(result).toEqual({ messages: 4, alreadyDone: 1, completed: 4, failed: 0, timedOut: false });
  expect(first.text()).toMatch(/4 messages, 1 already handled, 3 queued/);
  expect(first.text()).toMatch(/translating \|[█░]+\| 100% \| 4\/4 messages/);
  expect(stack.provider.calls.length - callsBefore).toBe(3);
  const posts = botPosts(thread.id, alice);
  expect(posts.map((p) => p.content.message).sort()).toEqual(['[es] [es] First question', '[es] [es] Live one', '[es] [es] Second question', '[es] [es] Third question']);
  // Backfilled messages (even seconds old) are not live: the end-to-end latency leaves them out.
  expect(await stack.bot.stats.samples('e2e')).toHaveLength(liveSamples);

  const second = capture();
  expect(await backfill(config, { threadId: thread.id, since: '1h', out: second.out })).toEqual({ messages: 4, alreadyDone: 4, completed: 4, failed: 0, timedOut: false });
  expect(second.text()).toMatch(/4 messages, 4 already handled, 0 queued/);
  expect(botPosts(thread.id, alice)).toHaveLength(4);
  expect(stack.provider.calls.length - callsBefore).toBe(3);
  expect(old).toHaveLength(3);
});

it('refuses a thread the bot is not in, and a bad --since', async () => {
  await expect(backfill(config, { threadId: '19:nope@thread.v2', since: '1h', out: capture().out })).rejects.toThrow(/not in thread/);
  await expect(backfill(config, { threadId: 'x', since: 'yesterday-ish', out: capture().out })).rejects.toThrow(/neither an ISO time/);
});

it('queue stats prints counts, throughput, percentiles and model usage; retry-failed retries', async () => {
  const { alice, threadId } = await (async () => {
    const a = stack.backend.identity.createUser();
    const { thread } = stack.backend.chat.createThread(a, { topic: 'stats', participants: [] });
    await stack.botAdmin.add(thread.id, { languages: ['de'] });
    return { alice: a, threadId: thread.id };
  })();
  stack.provider.state.failing = true;
  stack.backend.chat.sendMessage(alice, threadId, { content: 'Will fail first', type: 'text' });
  await eventually(async () => (await stack.bot.queue.getJobCounts('failed')).failed === 1);
  stack.provider.state.failing = false;

  const stats = capture();
  const snapshot = await queueStats(config, { out: stats.out });
  expect(snapshot.counts.failed).toBe(1);
  expect(stats.text()).toMatch(/^queue messages \(prefix \{test-[\w-]+\}\): running$/m);
  expect(stats.text()).toMatch(/failed 1/);
  expect(stats.text()).toMatch(/end-to-end {3}p50 [\d.]+ m?s {2}p90 [\d.]+ m?s {2}p99 [\d.]+ m?s {2}\(\d+ samples\)/);
  expect(stats.text()).toMatch(/model usage {2}calls \d+/);
  const asJson = capture();
  await queueStats(config, { out: asJson.out, json: true });
  expect(JSON.parse(asJson.text()).counts.failed).toBe(1);

  const posted = nextBotPost(stack, threadId);
  const samples = (await stack.bot.stats.samples('e2e')).length;
  const retry = capture();
  expect(await queueRetryFailed(config, { out: retry.out })).toBe(1);
  expect(retry.text()).toBe('retried 1 failed job\n');
  expect(await posted).toBe('[de] [de] Will fail first');
  // A job retried by hand waited for the operator: its age is not the pipeline's latency.
  await eventually(async () => ((await stack.bot.queue.getJobCounts('active')).active ?? 0) === 0);
  expect(await stack.bot.stats.samples('e2e')).toHaveLength(samples);
  const again = capture();
  expect(await queueRetryFailed(config, { out: again.out })).toBe(0);
  expect(again.text()).toBe('no failed jobs\n');
});
