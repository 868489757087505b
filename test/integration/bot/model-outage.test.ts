/**
 * A model API that is away holds work, never loses it (issue 11): a model server that is down when
 * the bot starts and comes up later, then one that answers 503 for a while. Jobs wait in the queue
 * without spending attempts, the state is logged once per outage with the endpoint, nothing fails,
 * no error reaches the thread, and within 30 s of the model answering every held message is
 * translated, in order per thread (the worker runs one job at a time here, so the order is the
 * queue's). The 503 outage lasts 15 s by default; `PARLEY_TEST_MODEL_OUTAGE_MS=60000` runs the
 * minute the issue describes.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Bot } from '../../../src/bot/bot.js';
import type { Message } from '../../../src/chat/model.js';
import { createLogger } from '../../../src/lib/logger.js';
import { OpenAIProvider } from '../../../src/providers/openai-provider.js';
import { BotPostWatch, REDIS_URL, deletePrefix, jobIdOf, jobStates, threadWithBot, uniquePrefix } from '../../support/bot-env.js';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';
import { eventually } from '../../support/dashboard-stack.js';
import { startFakeOpenAI, type FakeOpenAI } from '../../support/fake-openai.js';
import { freePort } from '../../support/private-redis.js';

const OUTAGE_MS = Number(process.env.PARLEY_TEST_MODEL_OUTAGE_MS ?? 15_000);
const RESUME_BUDGET_MS = 30_000;
const prefix = uniquePrefix('model-outage');
let backend: TestBackend;
let fake: FakeOpenAI | undefined;
let bot: Bot;
let watch: BotPostWatch;
let port: number;
const logs: Array<{ level: number; msg: string }> = [];
const sink = new Writable({ write: (c, _e, done) => (logs.push(JSON.parse(String(c)) as { level: number; msg: string }), done()) });

beforeAll(async () => {
  port = await freePort();
  backend = await startTestBackend();
  bot = await new Bot({
    chatUrl: backend.url,
    accessKey: backend.accessKey,
    redisUrl: REDIS_URL,
    prefix,
    // Nothing listens there yet.
    provider: new OpenAIProvider({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'test', model: 'fake' }),
    logger: createLogger('info', sink),
    concurrency: 1,
  }).start();
  watch = new BotPostWatch(backend, () => bot.botId);
});

afterAll(async () => {
  watch?.close();
  await bot?.close();
  await Promise.all([backend?.close(), fake?.close()]);
  await deletePrefix(REDIS_URL, prefix);
});

/** Sends `count` messages round `threads`, `gapMs` apart. */
async function sendAround(threads: Array<{ threadId: string; users: string[] }>, count: number, label: string, gapMs = 0): Promise<Message[]> {
  const sent: Message[] = [];
  for (let i = 0; i < count; i++) {
    const { threadId, users } = threads[i % threads.length]!;
    sent.push(backend.chat.sendMessage(users[0]!, threadId, { content: `${label} message ${i + 1} for the team`, type: 'text' }));
    if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
  }
  return sent;
}

/** Every message posted once, in the order sent per thread, with a translation (no error text). */
function expectPostedInOrder(sent: Message[]): void {
  for (const threadId of new Set(sent.map((m) => m.threadId))) {
    const mine = sent.filter((m) => m.threadId === threadId).map((m) => m.id);
    const posts = watch.events.filter((e) => e.type === 'chatMessageReceived' && e.message.threadId === threadId && mine.includes(e.message.metadata?.parleySourceId ?? ''));
    expect(posts.map((e) => e.message.metadata?.parleySourceId)).toEqual(mine);
    for (const e of posts) expect(e.message.content.message).toMatch(/^\[es\] \[es\] .* message \d+ for the team$/);
  }
}

const outageLines = () => logs.filter((l) => l.msg.startsWith('model unreachable since'));

it('holds messages while the model server is down at start, and translates them all once it comes up', async () => {
  expect(bot.modelSummary()).toMatch(new RegExp(`at http://127\\.0\\.0\\.1:${port}/v1 \\(UNREACHABLE: .*ECONNREFUSED`));
  expect(bot.dependencies()[1]).toMatchObject({ name: 'model', state: 'down', holding: true });
  expect(outageLines()).toHaveLength(1);
  expect(outageLines()[0]!.msg).toContain(`http://127.0.0.1:${port}/v1`);

  const threads = await Promise.all([1, 2, 3].map(() => threadWithBot(backend, bot, { languages: ['es'] })));
  const sent = await sendAround(threads, 9, 'Held');
  await eventually(async () => (await jobStates(bot, sent)).every((s) => s === 'waiting'));
  expect((await bot.queue.getJobCounts('failed')).failed).toBe(0);

  fake = await startFakeOpenAI({ port });
  const upAt = performance.now();
  await Promise.all(sent.map((m) => watch.posted(m.threadId, m.id, RESUME_BUDGET_MS + 5000)));
  expect(Math.max(...watch.events.map((e) => e.at)) - upAt).toBeLessThan(RESUME_BUDGET_MS);
  expectPostedInOrder(sent);
  expect((await bot.queue.getJobCounts('failed')).failed).toBe(0);
  expect(logs.some((l) => l.msg.startsWith('model reachable again after'))).toBe(true);
  expect(bot.dependencies()[1]).toMatchObject({ state: 'up', since: null });
  expect(logs.filter((l) => l.level >= 50)).toEqual([]);
}, 90_000);

it(`holds messages while the model answers 503 (${OUTAGE_MS / 1000} s), and translates them once it recovers`, async () => {
  const threads = await Promise.all([1, 2].map(() => threadWithBot(backend, bot, { languages: ['es'] })));
  const outagesBefore = outageLines().length;
  // Overloaded as a whole: completions and the model list answer 503.
  fake!.setFailure({ type: 'status', status: 503, message: 'The model is overloaded' }, { models: true });
  const started = performance.now();
  const sent = await sendAround(threads, 6, 'Overloaded', 200);
  await eventually(() => bot.modelHealth!.isDown, OUTAGE_MS);
  expect(bot.dependencies()[1]).toMatchObject({ state: 'down' });
  expect(bot.dependencies()[1]!.lastError).toContain('503');
  await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (performance.now() - started))));
  expect((await bot.queue.getJobCounts('failed')).failed).toBe(0);

  fake!.setFailure(null);
  const upAt = performance.now();
  await Promise.all(sent.map((m) => watch.posted(m.threadId, m.id, RESUME_BUDGET_MS + 5000)));
  expect(Math.max(...watch.events.map((e) => e.at)) - upAt).toBeLessThan(RESUME_BUDGET_MS);
  expectPostedInOrder(sent);
  expect((await bot.queue.getJobCounts('failed')).failed).toBe(0);
  // Held, not retried: the one attempt counted is the one that succeeded; no failure was recorded.
  for (const m of sent) expect((await bot.queue.getJob(jobIdOf(m)))!).toMatchObject({ attemptsMade: 1, stacktrace: [] });
  // Logged once for the whole outage, however often the probes and held jobs found it still down.
  expect(outageLines().length - outagesBefore).toBe(1);
  expect(logs.filter((l) => l.level >= 50)).toEqual([]);
}, OUTAGE_MS + 90_000);
