/**
 * Reliability: the bot's WebSocket is cut while messages keep coming. Whatever was sent while it
 * was away is caught up from the per-thread cursor after it reconnects: every message gets exactly
 * one post.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Bot } from '../../../src/bot/bot.js';
import type { Message } from '../../../src/chat/model.js';
import { BotPostWatch, type BotStack, botPostsBySource, startBotStack, threadWithBot, within } from '../../support/bot-env.js';
import type { TestBackend } from '../../support/chat-server.js';
import type { FakeOpenAI } from '../../support/fake-openai.js';

let backend: TestBackend;
let fake: FakeOpenAI;
let bot: Bot;
let watch: BotPostWatch;

let stack: BotStack;
beforeAll(async () => {
  stack = await startBotStack('ws-drop', { fake: { latencyMs: 20 }, bot: { reconnect: { minBackoffMs: 50, maxBackoffMs: 200 } } });
  ({ backend, fake, bot, watch } = stack);
});

afterAll(() => stack?.close());


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
