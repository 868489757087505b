/**
 * Reliability: the bot's WebSocket is cut while messages keep coming. Whatever was sent while it
 * was away is caught up from the per-thread cursor after it reconnects: every message gets exactly
 * one post.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Bot } from '../../../src/bot/bot.js';
import type { Message } from '../../../src/chat/model.js';
import { createLogger } from '../../../src/lib/logger.js';
import { OpenAIProvider } from '../../../src/providers/openai-provider.js';
import { BotPostWatch, REDIS_URL, botPostsBySource, deletePrefix, threadWithBot, uniquePrefix, within } from '../../support/bot-env.js';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';
import { startFakeOpenAI, type FakeOpenAI } from '../../support/fake-openai.js';

const prefix = uniquePrefix('ws-drop');
let backend: TestBackend;
let fake: FakeOpenAI;
let bot: Bot;
let watch: BotPostWatch;

beforeAll(async () => {
  [backend, fake] = await Promise.all([startTestBackend(), startFakeOpenAI({ latencyMs: 20 })]);
  bot = await new Bot({
    chatUrl: backend.url,
    accessKey: backend.accessKey,
    redisUrl: REDIS_URL,
    prefix,
    provider: new OpenAIProvider({ baseURL: fake.url, apiKey: 'test', model: 'fake' }),
    logger: createLogger('silent'),
    reconnect: { minBackoffMs: 50, maxBackoffMs: 200 },
  }).start();
  watch = new BotPostWatch(backend, () => bot.botId);
});

afterAll(async () => {
  watch?.close();
  await bot?.close();
  await Promise.all([backend?.close(), fake?.close()]);
  await deletePrefix(REDIS_URL, prefix);
});

it('catches up everything sent while its WebSocket was cut', async () => {
  const threads = await Promise.all([1, 2, 3].map(() => threadWithBot(backend, bot, { languages: ['es'] })));
  const sent: Message[] = [];
  let n = 0;
  const send = () => {
    const { threadId, users } = threads[n % threads.length]!;
    sent.push(backend.chat.sendMessage(users[0]!, threadId, { content: `Message number ${++n} for the team`, type: 'text' }));
  };
  const sendSpread = async (count: number) => {
    for (let i = 0; i < count; i++) {
      send();
      await new Promise((r) => setImmediate(r));
    }
  };

  await sendSpread(20);
  for (let cut = 0; cut < 2; cut++) {
    bot.connection!.drop();
    // Sent in the same tick as the cut, before the socket can even notice: only a catch-up sees these.
    const away = Array.from({ length: 10 }, () => (send(), sent.at(-1)!));
    await sendSpread(15); // and more while it reconnects and catches up
    // Catch-up runs only once the new socket is open, so this post means the bot is back.
    await watch.posted(away.at(-1)!.threadId, away.at(-1)!.id);
  }
  await sendSpread(10);

  await Promise.all(sent.map((m) => watch.posted(m.threadId, m.id)));
  for (const { threadId, users } of threads) {
    const posts = botPostsBySource(backend, users[0]!, threadId, bot.botId);
    const mine = sent.filter((m) => m.threadId === threadId);
    expect([...posts.keys()].sort()).toEqual(mine.map((m) => m.id).sort());
    for (const m of mine) expect(posts.get(m.id)).toHaveLength(1);
  }
});
