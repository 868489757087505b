/**
 * Reliability: the path to the backend dies silently (a TCP proxy stops forwarding the bot's
 * WebSocket but keeps both sockets open: no FIN, no RST). The bot notices the silence within two
 * heartbeats, reconnects and catches up from its cursor: every message sent after the drop gets
 * exactly one post within 2 × heartbeat + catch-up time. (The reconciler is off here, so only the
 * liveness check can bring the bot back.)
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Bot } from '../../../src/bot/bot.js';
import type { Message } from '../../../src/chat/model.js';
import { createLogger } from '../../../src/lib/logger.js';
import { OpenAIProvider } from '../../../src/providers/openai-provider.js';
import { BotPostWatch, REDIS_URL, botPostsBySource, deletePrefix, threadWithBot, uniquePrefix } from '../../support/bot-env.js';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';
import { startFakeOpenAI, type FakeOpenAI } from '../../support/fake-openai.js';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.js';

const HEARTBEAT_MS = 1000;
/** Reconnect (50–200 ms backoff), catch-up and the job itself, on a loaded machine. */
const CATCH_UP_BUDGET_MS = 5000;
const prefix = uniquePrefix('ws-silent');
let backend: TestBackend;
let fake: FakeOpenAI;
let proxy: TcpProxy;
let bot: Bot;
let watch: BotPostWatch;
const logs: Array<{ msg: string }> = [];
const sink = new Writable({ write: (c, _e, done) => (logs.push(JSON.parse(String(c)) as { msg: string }), done()) });

beforeAll(async () => {
  [backend, fake] = await Promise.all([startTestBackend({ realtime: { heartbeatMs: HEARTBEAT_MS } }), startFakeOpenAI({ latencyMs: 10 })]);
  proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(backend.url).port) });
  bot = await new Bot({
    chatUrl: proxy.url,
    accessKey: backend.accessKey,
    redisUrl: REDIS_URL,
    prefix,
    provider: new OpenAIProvider({ baseURL: fake.url, apiKey: 'test', model: 'fake' }),
    logger: createLogger('info', sink),
    reconcileMs: 0,
    reconnect: { minBackoffMs: 50, maxBackoffMs: 200 },
  }).start();
  watch = new BotPostWatch(backend, () => bot.botId);
});

afterAll(async () => {
  watch?.close();
  await bot?.close();
  await Promise.all([proxy?.close(), backend?.close(), fake?.close()]);
  await deletePrefix(REDIS_URL, prefix);
});

it('notices a silently dead WebSocket within two heartbeats and catches up', async () => {
  const threads = await Promise.all([1, 2].map(() => threadWithBot(backend, bot, { languages: ['es'] })));
  const sent: Array<{ message: Message; at: number }> = [];
  const send = (i: number) => {
    const { threadId, users } = threads[i % threads.length]!;
    sent.push({ message: backend.chat.sendMessage(users[0]!, threadId, { content: `Update number ${i} for the team`, type: 'text' }), at: performance.now() });
  };
  for (let i = 0; i < 4; i++) send(i);
  await Promise.all(sent.map(({ message }) => watch.posted(message.threadId, message.id)));

  expect(proxy.blackholeWebSockets()).toBe(1);
  const afterDrop = sent.length;
  for (let i = 4; i < 14; i++) {
    send(i);
    await new Promise((r) => setTimeout(r, 100));
  }
  const budget = 2 * HEARTBEAT_MS + CATCH_UP_BUDGET_MS;
  const posts = await Promise.all(sent.slice(afterDrop).map(({ message }) => watch.posted(message.threadId, message.id, budget + 5000)));
  const delays = posts.map((p, i) => watch.events.find((e) => e.message.id === p.id)!.at - sent[afterDrop + i]!.at);
  expect(Math.max(...delays)).toBeLessThan(budget);
  expect(logs.some((l) => l.msg === 'realtime connection silent; reconnecting')).toBe(true);

  for (const { threadId, users } of threads) {
    const byOriginal = botPostsBySource(backend, users[0]!, threadId, bot.botId);
    const mine = sent.filter(({ message }) => message.threadId === threadId);
    expect([...byOriginal.keys()].sort()).toEqual(mine.map(({ message }) => message.id).sort());
    for (const { message } of mine) expect(byOriginal.get(message.id), `posts for ${message.id}`).toHaveLength(1);
  }
});
