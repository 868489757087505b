/**
 * Recovery benchmark (`npm run bench:recovery`): what a crash and an idle bot cost.
 *
 * - Redis commands per second of an idle `parley bot` (listener + workers, 5 threads joined, nothing
 *   happening), over 20 s, with the reconciliation at its default period, off, and every second (the
 *   difference is its cost per pass), and under a light load (20 messages/s for 15 s), counted by a
 *   private redis-server's `total_commands_processed` (the benchmark's own INFO calls subtracted).
 * - Recovery after `kill -9`: the `parley bot` process is SIGKILLed while it holds 20 active jobs
 *   (the model answers after 5 s, so they are all in a model call), then started again at once
 *   (the model now answers after 100 ms); the time from the restart to the last of the 20 posts.
 *
 * The processes are the real CLI (`bin/parley.js bot`) with the production defaults; the backend
 * and the fake model run in this process, Redis is a private redis-server. Bounded by a watchdog.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { RedisKeys } from '../src/bot/redis-keys.js';
import { SettingsStore } from '../src/bot/settings-store.js';
import { ChatBackend } from '../src/chat/chat-backend.js';
import type { ChatEvent } from '../src/chat/events.js';
import { AdminClient } from '../src/client/admin-client.js';
import { loadConfig } from '../src/config/load-config.js';
import { createLogger } from '../src/lib/logger.js';
import { startFakeOpenAI } from '../test/support/fake-openai.js';
import { startPrivateRedis } from '../test/support/private-redis.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const IDLE_SECONDS = 20;
const THREADS = 5;
const LOAD_SECONDS = 15;
const LOAD_RATE = 20;
const IN_FLIGHT = 20;

const watchdog = setTimeout(() => {
  console.error('bench:recovery did not finish in 240 s');
  process.exit(1);
}, 240_000);
watchdog.unref();

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-recovery-'));
const redis = await startPrivateRedis();
const backend = await new ChatBackend({
  config: loadConfig({ PARLEY_PORT: '0', PARLEY_DATA_DIR: dataDir, PARLEY_RATE_LIMITS: 'off' }),
  logger: createLogger('silent'),
}).start();
const fake = await startFakeOpenAI({ latencyMs: 100 });
const probe = new Redis(redis.url);
const children = new Set<ChildProcess>();

/** `parley bot` as an operator runs it, against this backend, model and Redis. */
async function startBotProcess(env: Record<string, string> = {}): Promise<{ child: ChildProcess; botId: string }> {
  const child = spawn(process.execPath, ['bin/parley.js', 'bot'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PARLEY_CHAT_URL: backend.url,
      PARLEY_ACCESS_KEY: backend.accessKey,
      REDIS_URL: redis.url,
      OPENAI_BASE_URL: fake.url,
      OPENAI_API_KEY: 'x',
      PARLEY_BOT_PORT: '0',
      PARLEY_BOT_CONCURRENCY: String(IN_FLIGHT),
      PARLEY_DATA_DIR: path.join(dataDir, 'bot'),
      PARLEY_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  const botId = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += String(d);
      const m = /running: .* bot (\S+)/.exec(output);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`parley bot exited (${code ?? signal}):\n${output.slice(-2000)}`)));
  });
  return { child, botId };
}

const commands = async (): Promise<number> => Number(/total_commands_processed:(\d+)/.exec(await probe.info('stats'))![1]);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Redis commands per second over `seconds`, not counting the two INFO calls that measure it. */
async function commandsPerSecond(seconds: number, during: () => Promise<void> = () => sleep(seconds * 1000)): Promise<number> {
  const before = await commands();
  const t0 = performance.now();
  await during();
  const after = await commands();
  return (after - before - 1) / ((performance.now() - t0) / 1000);
}

const botPosts = new Map<string, number>();
backend.chat.events.subscribe((e: ChatEvent) => {
  const source = e.type === 'chatMessageReceived' ? e.message.metadata?.parleySourceId : undefined;
  if (source) botPosts.set(source, performance.now());
});

try {
  let { child, botId } = await startBotProcess();
  const keys = new RedisKeys('parley');
  const settingsRedis = new Redis(redis.url);
  const settings = new SettingsStore(settingsRedis, keys);
  const admin = new AdminClient(backend.url, backend.accessKey);
  const threads: Array<{ id: string; user: string }> = [];
  for (let i = 0; i < THREADS; i++) {
    const user = backend.identity.createUser();
    const { thread } = backend.chat.createThread(user, { topic: 'bench', participants: [] });
    await settings.put(thread.id, { languages: ['es'] });
    await admin.addParticipant(thread.id, botId, 'parley');
    threads.push({ id: thread.id, user });
  }
  await sleep(5000);
  const idle = await commandsPerSecond(IDLE_SECONDS);
  /** The same idle bot with the reconciliation every `ms` (0 = off). */
  const idleWith = async (ms: number) => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    ({ child } = await startBotProcess({ PARLEY_RECONCILE_MS: String(ms) }));
    await sleep(5000);
    return commandsPerSecond(IDLE_SECONDS);
  };
  const idleNoReconcile = await idleWith(0);
  const idleReconcileEachSecond = await idleWith(1000);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  ({ child } = await startBotProcess());

  let sent = 0;
  const load = await commandsPerSecond(LOAD_SECONDS, async () => {
    const end = performance.now() + LOAD_SECONDS * 1000;
    while (performance.now() < end) {
      const t = threads[sent++ % threads.length]!;
      backend.chat.sendMessage(t.user, t.id, { content: `Load message ${sent} for the team`, type: 'text' });
      await sleep(1000 / LOAD_RATE);
    }
  });

  // Recovery: 20 jobs in a 5 s model call, the process killed, started again at once.
  fake.setLatency(5000);
  const inFlight = await new Promise<string[]>((resolve) => {
    const ids: string[] = [];
    const before = fake.chatRequests().length;
    const check = setInterval(() => {
      if (fake.chatRequests().length - before >= IN_FLIGHT) {
        clearInterval(check);
        resolve(ids);
      }
    }, 20);
    for (let i = 0; i < IN_FLIGHT; i++) {
      const t = threads[i % threads.length]!;
      ids.push(backend.chat.sendMessage(t.user, t.id, { content: `In-flight message ${i} for the team`, type: 'text' }).id);
    }
  });
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  fake.setLatency(100);
  const restartedAt = performance.now();
  ({ child } = await startBotProcess());
  const startedIn = performance.now() - restartedAt;
  while (inFlight.some((id) => !botPosts.has(id))) await sleep(50);
  const lastPost = Math.max(...inFlight.map((id) => botPosts.get(id)!)) - restartedAt;

  console.log(`idle parley bot: ${idle.toFixed(2)} Redis commands/s (over ${IDLE_SECONDS} s); reconciliation off: ${idleNoReconcile.toFixed(2)}/s`);
  console.log(
    `reconciliation every second: ${idleReconcileEachSecond.toFixed(2)}/s → ${((idleReconcileEachSecond - idleNoReconcile) / THREADS).toFixed(1)} Redis commands per thread per pass (and one listMessages request)`,
  );
  console.log(`under load (${LOAD_RATE} messages/s): ${load.toFixed(0)} Redis commands/s (${(load / LOAD_RATE).toFixed(1)} per message)`);
  console.log(`kill -9 with ${IN_FLIGHT} jobs in a model call: process up again in ${(startedIn / 1000).toFixed(1)} s; last in-flight post ${(lastPost / 1000).toFixed(1)} s after the restart`);
  child.kill('SIGTERM');
  settingsRedis.disconnect();
} finally {
  for (const c of children) c.kill('SIGKILL');
  probe.disconnect();
  await Promise.all([backend.close(), fake.close()]);
  await redis.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
