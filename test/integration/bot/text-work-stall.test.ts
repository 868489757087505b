import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Bot } from '../../../src/bot/bot.js';
import { messageJobId } from '../../../src/bot/queue/jobs.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { createLogger } from '../../../src/lib/logger.js';
import { startBot } from '../../../src/runtime/bot-runtime.js';
import { deletePrefix, jobFinished, REDIS_URL, threadWithBot, uniquePrefix } from '../../support/bot-env.js';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';

/**
 * As in `npm start`: the chat backend and the bot (wired by startBot) share one process and event
 * loop. While the bot works on pathological messages, that loop must stay free: the text work runs
 * on worker threads, and every pattern is linear. (Before, one 4 KB "a@a@…" message stalled the
 * loop for 7–10 s; 28 KB, about an hour.)
 */
const prefix = uniquePrefix('text-stall');
let backend: TestBackend;
let bot: Bot;

beforeAll(async () => {
  backend = await startTestBackend();
  const config = loadConfig({ PARLEY_REDIS_PREFIX: prefix, PARLEY_PROVIDER: 'local', PARLEY_LOG_LEVEL: 'silent' });
  bot = await startBot(config, createLogger('silent'), { chatUrl: backend.url, accessKey: backend.accessKey, redisUrl: REDIS_URL, listen: true, work: true }, {});
});

afterAll(async () => {
  await bot.close();
  await backend.close();
  await deletePrefix(REDIS_URL, prefix);
});

it('keeps the event loop that serves the chat API free while the bot works on pathological messages', async () => {
  const { threadId, users } = await threadWithBot(backend, bot, { languages: ['es'], mode: 'both', analysis: 'all' });
  const texts = [
    'a@'.repeat(14_000), // 28 KB: cubic for the old language detector
    '<'.repeat(28_000), // quadratic for the old tag pattern
    'The service was terrible and the invoice is wrong again. '.repeat(490), // 28 KB of prose to analyse
    `<p>${'<at>x'.repeat(5000)}</p>`, // html: unclosed mention elements
  ];
  const sent = texts.map((content, i) => backend.chat.sendMessage(users[0]!, threadId, { content, type: i === 3 ? 'html' : 'text' }));
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = performance.now();
  // A chat API request made meanwhile is answered promptly.
  const get = performance.now();
  const res = await fetch(`${backend.url}/chat/threads?api-version=2025-03-15`);
  const getMs = performance.now() - get;
  const jobs = await Promise.all(sent.map((m) => jobFinished(bot, messageJobId({ kind: 'received', threadId, messageId: m.id, version: m.version }), 60_000)));
  delay.disable();
  expect(res.status).toBe(401); // answered (no token given)
  // Every message ended with an outcome (posted, or skipped with its reason), none failed.
  for (const job of jobs) expect(job.returnvalue?.outcome, job.failedReason).toBeTruthy();
  // Generous bounds for a loaded machine (two cores shared with other test files, where stalls of
  // 100–400 ms come from the scheduler alone); the old code stalled for 3 s ("<<<…") to an hour.
  expect(getMs).toBeLessThan(1500);
  expect(delay.max / 1e6).toBeLessThan(1500);
  expect(performance.now() - started).toBeLessThan(60_000);
});
