/**
 * Reliability: the worker process is SIGKILLed in the middle of 200 queued messages and started
 * again. Jobs it held are recovered as stalled and re-run; the poster finds a post that already
 * went out instead of sending it twice. Every message gets exactly one bot post.
 *
 * The worker is a child process configured like `parley worker` (see bot-worker-process.ts); the
 * listener runs here (a Bot with `work: false`).
 */
import type { ChildProcess } from 'node:child_process';
import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Bot } from '../../../src/bot/bot.js';
import { QUEUE_NAME } from '../../../src/bot/queue/jobs.js';
import type { Message } from '../../../src/chat/model.js';
import { BotPostWatch, REDIS_URL, botPostsBySource, fakeModelBotOptions, deletePrefix, threadWithBot, uniquePrefix, within } from '../../support/bot-env.js';
import { startTestBackend, tempDir, type TestBackend } from '../../support/chat-server.js';
import { startFakeOpenAI, type FakeOpenAI } from '../../support/fake-openai.js';
import { startWorkerProcess, stopProcess as stop, workerEnv } from '../../support/worker-process.js';

const MESSAGES = 200;
const prefix = uniquePrefix('worker-kill');
let backend: TestBackend;
let fake: FakeOpenAI;
let listener: Bot;
let watch: BotPostWatch;
let events: QueueEvents;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  // The model takes a while, so jobs are in flight when the worker dies.
  [backend, fake] = await Promise.all([startTestBackend(), startFakeOpenAI({ latencyMs: 150 })]);
  listener = await new Bot(fakeModelBotOptions(backend, fake.url, prefix, { work: false })).start();
  watch = new BotPostWatch(backend, () => listener.botId);
  events = new QueueEvents(QUEUE_NAME, { connection: { url: REDIS_URL }, prefix: listener.keys.queuePrefix });
  events.on('error', () => undefined);
  await events.waitUntilReady();
});

afterAll(async () => {
  await Promise.all(workers.map((w) => stop(w, 'SIGTERM')));
  watch?.close();
  await events?.close();
  await listener?.close();
  await Promise.all([backend?.close(), fake?.close()]);
  await deletePrefix(REDIS_URL, prefix);
});

/** Starts a worker process like `parley worker`, with short locks so this test stays short. */
async function startWorker(): Promise<ChildProcess> {
  const child = await startWorkerProcess({
    ...workerEnv(backend, fake.url, prefix, tempDir()),
    PARLEY_BOT_LOCK_MS: '2500',
    PARLEY_BOT_STALLED_CHECK_MS: '1000',
  });
  workers.push(child);
  return child;
}

it('gives every message exactly one post when the worker is SIGKILLed mid-queue and restarted', async () => {
  const threads = await Promise.all(Array.from({ length: 10 }, () => threadWithBot(backend, listener, { languages: ['es', 'fr'] })));
  // Each thread's greeting (the bot introduces itself when added) is a job too, killed like the rest.
  const completed = new Set<string>();
  const greeted = new Set<string>();
  let allCompleted = () => {};
  const done = new Promise<void>((resolve) => (allCompleted = resolve));
  events.on('completed', ({ jobId }) => {
    (jobId.startsWith('greeting|') ? greeted : completed).add(jobId);
    if (completed.size === MESSAGES && greeted.size === threads.length) allCompleted();
  });

  const first = await startWorker();
  const sent: Message[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const { threadId, users } = threads[i % threads.length]!;
    sent.push(backend.chat.sendMessage(users[0]!, threadId, { content: `Queued message ${i + 1} about the release`, type: 'text' }));
  }

  // Kill it a good way in, with a full set of jobs active.
  await within(
    new Promise<void>((resolve) => {
      const check = () => (watch.events.length >= 60 ? resolve() : setImmediate(check));
      check();
    }),
    90_000,
    '60 posts from the first worker',
  );
  await stop(first, 'SIGKILL');
  const atKill = await listener.queue.getJobCounts('active', 'waiting', 'completed');
  expect(atKill.active).toBeGreaterThan(0);
  expect(atKill.completed).toBeLessThan(MESSAGES);

  await startWorker();
  // Budgets for a loaded 2-core machine: the waits end at the events, not at the budgets.
  await Promise.all(sent.map((m) => watch.posted(m.threadId, m.id, 120_000)));
  await within(done, 60_000, `${MESSAGES} completed message jobs and ${threads.length} greetings`);

  expect(await listener.queue.getJobCounts('active', 'waiting', 'delayed', 'failed', 'completed')).toEqual({
    active: 0,
    waiting: 0,
    delayed: 0,
    failed: 0,
    completed: MESSAGES + threads.length,
  });
  const greetings = watch.events.filter((e) => e.type === 'chatMessageReceived' && e.message.metadata?.parleyKind === 'greeting');
  expect(greetings.map((e) => e.message.threadId).sort()).toEqual(threads.map((t) => t.threadId).sort());
  for (const { threadId, users } of threads) {
    const posts = botPostsBySource(backend, users[0]!, threadId, listener.botId);
    const mine = sent.filter((m) => m.threadId === threadId);
    expect([...posts.keys()].sort()).toEqual(mine.map((m) => m.id).sort());
    for (const m of mine) expect(posts.get(m.id), `posts for ${m.id}`).toHaveLength(1);
  }
}, 420_000);
