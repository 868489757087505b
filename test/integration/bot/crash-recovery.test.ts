/**
 * Reliability: a worker process holding 20 active jobs (all in a model call) is SIGKILLed and
 * started again, with the production lock settings (`PARLEY_BOT_LOCK_MS`, `PARLEY_BOT_STALLED_CHECK_MS`
 * defaults). The dead worker's locks expire within seconds and the new worker's stalled check hands
 * the jobs out again: all 20 are posted within 15 s of the restart, each exactly once.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Bot } from '../../../src/bot/bot.js';
import type { Message } from '../../../src/chat/model.js';
import { BotPostWatch, REDIS_URL, botPostsBySource, fakeModelBotOptions, deletePrefix, jobStates, threadWithBot, uniquePrefix } from '../../support/bot-env.js';
import { startTestBackend, tempDir, type TestBackend } from '../../support/chat-server.js';
import { eventually } from '../../support/dashboard-stack.js';
import { startFakeOpenAI, type FakeOpenAI } from '../../support/fake-openai.js';
import { startWorkerProcess, stopProcess, workerEnv } from '../../support/worker-process.js';

const IN_FLIGHT = 20;
const RECOVERY_BUDGET_MS = 15_000;
const prefix = uniquePrefix('crash-recovery');
let backend: TestBackend;
let fake: FakeOpenAI;
let listener: Bot;
let watch: BotPostWatch;
const workers: ChildProcess[] = [];
const onChatRequest: Array<() => void> = [];

beforeAll(async () => {
  [backend, fake] = await Promise.all([startTestBackend(), startFakeOpenAI({ onRequest: (r) => r.path.endsWith('/chat/completions') && onChatRequest.forEach((f) => f()) })]);
  listener = await new Bot(fakeModelBotOptions(backend, fake.url, prefix, { work: false })).start();
  watch = new BotPostWatch(backend, () => listener.botId);
});

afterAll(async () => {
  await Promise.all(workers.map((w) => stopProcess(w, 'SIGTERM')));
  watch?.close();
  await listener?.close();
  await Promise.all([backend?.close(), fake?.close()]);
  await deletePrefix(REDIS_URL, prefix);
});

async function startWorker(): Promise<ChildProcess> {
  const child = await startWorkerProcess({
    ...workerEnv(backend, fake.url, prefix, tempDir()),
    PARLEY_BOT_CONCURRENCY: String(IN_FLIGHT),
  });
  workers.push(child);
  return child;
}

it('posts every job a SIGKILLed worker held within 15 s of its restart, exactly once', async () => {
  const threads = await Promise.all([1, 2, 3, 4].map(() => threadWithBot(backend, listener, { languages: ['es'] })));
  const first = await startWorker();
  // The dead worker's model calls never answer; every later call is answered at once.
  fake.script(...Array.from({ length: IN_FLIGHT }, () => ({ type: 'hang' as const })));
  let calls = 0;
  const allActive = new Promise<void>((resolve) => onChatRequest.push(() => ++calls === IN_FLIGHT && resolve()));
  const sent: Message[] = [];
  for (let i = 0; i < IN_FLIGHT; i++) {
    const { threadId, users } = threads[i % threads.length]!;
    sent.push(backend.chat.sendMessage(users[0]!, threadId, { content: `Ticket ${i} needs an answer today`, type: 'text' }));
  }
  await allActive;
  expect(await jobStates(listener, sent)).toEqual(sent.map(() => 'active'));

  await stopProcess(first, 'SIGKILL');
  await startWorker();
  const restartedAt = performance.now();
  await Promise.all(sent.map((m) => watch.posted(m.threadId, m.id, RECOVERY_BUDGET_MS + 15_000)));
  const lastPost = Math.max(...watch.events.map((e) => e.at)) - restartedAt;
  expect(lastPost).toBeLessThan(RECOVERY_BUDGET_MS);

  await eventually(async () => (await jobStates(listener, sent)).every((s) => s === 'completed'));
  expect(await listener.queue.getJobCounts('failed', 'active', 'waiting')).toEqual({ failed: 0, active: 0, waiting: 0 });
  for (const { threadId, users } of threads) {
    const posts = botPostsBySource(backend, users[0]!, threadId, listener.botId);
    for (const m of sent.filter((x) => x.threadId === threadId)) expect(posts.get(m.id), `posts for ${m.id}`).toHaveLength(1);
  }
}, 150_000);
