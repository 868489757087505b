/**
 * Reliability: the chat backend goes away for 30 s while 50 jobs are queued or in a model call,
 * then comes back on the same port and data. Posting fails with "connection refused": after the
 * first failure the bot holds its queue (no attempts spent) and probes; `/readyz` and the dashboard
 * say "chat backend … down since …"; once the backend answers, every job posts, exactly once,
 * within seconds, and none is in the failed set.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Bot } from '../../../src/bot/bot.js';
import type { Message } from '../../../src/chat/model.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { dashboardCredentials } from '../../../src/dashboard/credentials.js';
import type { DependencyStatus } from '../../../src/lib/dependency.js';
import { createLogger } from '../../../src/lib/logger.js';
import { Metrics } from '../../../src/metrics/metrics.js';
import { dashboardFor } from '../../../src/runtime/dashboard-mount.js';
import { createBaseApp } from '../../../src/chat/http/app.js';
import { BotPostWatch, REDIS_URL, botPostsBySource, fakeModelBotOptions, deletePrefix, jobStates, threadWithBot, uniquePrefix } from '../../support/bot-env.js';
import { startTestBackend, tempDir, type TestBackend } from '../../support/chat-server.js';
import { eventually } from '../../support/dashboard-stack.js';
import { startFakeOpenAI, type FakeOpenAI } from '../../support/fake-openai.js';
import { freePort } from '../../support/private-redis.js';

const OUTAGE_MS = 30_000;
const JOBS = 50;
/** From the backend answering again to the last post. */
const RESUME_BUDGET_MS = 15_000;
const prefix = uniquePrefix('backend-outage');
const dataDir = tempDir();
let port: number;
let backend: TestBackend;
let fake: FakeOpenAI;
let bot: Bot;
let dashboard: ReturnType<typeof createBaseApp>;
let dashboardUrl = '';
const modelCalls: Array<() => void> = [];

const startBackend = () => startTestBackend({ dataDir, env: { PARLEY_PORT: String(port) } });

beforeAll(async () => {
  port = await freePort();
  [backend, fake] = await Promise.all([startBackend(), startFakeOpenAI({ onRequest: (r) => r.path.endsWith('/chat/completions') && modelCalls.forEach((f) => f()) })]);
  bot = await new Bot(fakeModelBotOptions(backend, fake.url, prefix)).start();
  // The bot process's own HTTP side, as `parley bot` serves it: /readyz and the dashboard's JSON.
  dashboard = createBaseApp({ logger: createLogger('silent') });
  await dashboard.register(
    dashboardFor({ holder: { bot }, accessKey: backend.accessKey, chatUrl: () => backend.url, logger: createLogger('silent'), metrics: new Metrics(), config: loadConfig({}) }),
  );
  await dashboard.listen({ host: '127.0.0.1', port: 0 });
  dashboardUrl = `http://127.0.0.1:${(dashboard.server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await dashboard?.close();
  await bot?.close();
  await Promise.all([backend?.close(), fake?.close()]);
  await deletePrefix(REDIS_URL, prefix);
});

const readyz = async () => {
  const res = await fetch(`${dashboardUrl}/readyz`);
  return { status: res.status, body: (await res.json()) as { checks: Record<string, boolean>; dependencies: DependencyStatus[] } };
};

it('holds every job through a 30 s backend outage and posts each exactly once when it returns', async () => {
  const threads = await Promise.all([1, 2, 3, 4, 5].map(() => threadWithBot(backend, bot, { languages: ['es'] })));
  // Every model answer waits for the backend to be gone: the jobs are in a model call or queued then.
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  fake.script(...Array.from({ length: JOBS }, () => ({ type: 'ok' as const, until: gate })));
  let calls = 0;
  const busy = new Promise<void>((resolve) => modelCalls.push(() => ++calls === 16 && resolve()));
  const sent: Message[] = [];
  for (let i = 0; i < JOBS; i++) {
    const { threadId, users } = threads[i % threads.length]!;
    sent.push(backend.chat.sendMessage(users[0]!, threadId, { content: `Order ${i} shipped ${randomUUID().slice(0, 4)}`, type: 'text' }));
  }
  await busy;
  await eventually(async () => (await jobStates(bot, sent)).every((s) => s === 'waiting' || s === 'active'));

  await backend.close();
  const killedAt = performance.now();
  release();
  await eventually(() => bot.chatHealth.isDown, 20_000);
  const during = await readyz();
  expect(during.status).toBe(503);
  expect(during.body.checks.backend).toBe(false);
  expect(during.body.dependencies[0]).toMatchObject({ name: 'chat backend', state: 'down', holding: true });
  expect(during.body.dependencies[0]!.lastError).toMatch(/ECONNREFUSED/);
  const overview = await fetch(`${dashboardUrl}/dashboard/api/overview`, { headers: { authorization: `Bearer ${dashboardCredentials(backend.accessKey).read}` } });
  expect(((await overview.json()) as { dependencies: DependencyStatus[] }).dependencies[0]).toMatchObject({ state: 'down' });

  await new Promise((r) => setTimeout(r, OUTAGE_MS - (performance.now() - killedAt)));
  expect((await bot.queue.getJobCounts('failed')).failed).toBe(0);
  expect((await jobStates(bot, sent)).filter((s) => s === 'completed')).toEqual([]);

  backend = await startBackend();
  const restartedAt = performance.now();
  const watch = new BotPostWatch(backend, () => bot.botId);
  try {
    await Promise.all(sent.map((m) => watch.posted(m.threadId, m.id, RESUME_BUDGET_MS + 10_000)));
    expect(Math.max(...watch.events.map((e) => e.at)) - restartedAt).toBeLessThan(RESUME_BUDGET_MS);
  } finally {
    watch.close();
  }
  await eventually(async () => (await jobStates(bot, sent)).every((s) => s === 'completed'));
  expect(await bot.queue.getJobCounts('failed', 'waiting', 'active', 'delayed')).toEqual({ failed: 0, waiting: 0, active: 0, delayed: 0 });
  for (const { threadId, users } of threads) {
    const posts = botPostsBySource(backend, users[0]!, threadId, bot.botId);
    const mine = sent.filter((m) => m.threadId === threadId);
    expect([...posts.keys()].sort()).toEqual(mine.map((m) => m.id).sort());
    for (const m of mine) expect(posts.get(m.id), `posts for ${m.id}`).toHaveLength(1);
  }
  const after = await eventually(async () => {
    const r = await readyz();
    return r.status === 200 ? r : null;
  });
  expect(after.body.dependencies[0]).toMatchObject({ state: 'up', since: null, holding: false });
}, 120_000);
