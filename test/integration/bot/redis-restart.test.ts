/**
 * Reliability: the bot's Redis is SIGKILLed under load and started again on the same AOF
 * directory. While it is down the listener cannot enqueue; it leaves the changes to a catch-up
 * from the cursor once Redis is back. Nothing is lost: every message gets exactly one post.
 * (A private redis-server, deleted afterwards: its AOF directory holds every key this test made.)
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Bot } from '../../../src/bot/bot.js';
import type { Message } from '../../../src/chat/model.js';
import { createLogger } from '../../../src/lib/logger.js';
import { OpenAIProvider } from '../../../src/providers/openai-provider.js';
import { BotPostWatch, botPostsBySource, threadWithBot, uniquePrefix } from '../../support/bot-env.js';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';
import { startFakeOpenAI, type FakeOpenAI } from '../../support/fake-openai.js';
import { startPrivateRedis, type PrivateRedis } from '../../support/private-redis.js';

let redis: PrivateRedis;
let backend: TestBackend;
let fake: FakeOpenAI;
let bot: Bot;
let watch: BotPostWatch;
/** The bot's log lines (info and up), to check which recovery path ran. */
const logs: Array<{ msg: string }> = [];
const logSink = new Writable({
  write(chunk, _enc, done) {
    logs.push(JSON.parse(String(chunk)) as { msg: string });
    done();
  },
});

beforeAll(async () => {
  [redis, backend, fake] = await Promise.all([startPrivateRedis(), startTestBackend(), startFakeOpenAI({ latencyMs: 30 })]);
  bot = await new Bot({
    chatUrl: backend.url,
    accessKey: backend.accessKey,
    redisUrl: redis.url,
    prefix: uniquePrefix('redis-restart'),
    provider: new OpenAIProvider({ baseURL: fake.url, apiKey: 'test', model: 'fake' }),
    logger: createLogger('info', logSink),
    // A job whose moveToActive reply is lost in the crash sits in `active` until its lock expires and
    // the stalled check hands it out again: up to a minute with the production 30 s + 30 s.
    workerOptions: { lockDuration: 5000, stalledInterval: 1000 },
  }).start();
  watch = new BotPostWatch(backend, () => bot.botId);
});

afterAll(async () => {
  watch?.close();
  await bot?.close();
  // The private Redis and its AOF directory go away whole: nothing of this test is left behind.
  await Promise.all([backend?.close(), fake?.close(), redis?.stop()]);
});

it('loses nothing when Redis is killed under load and restarted', async () => {
  const threads = await Promise.all([1, 2, 3, 4].map(() => threadWithBot(backend, bot, { languages: ['es'] })));
  const sent: Message[] = [];
  /** Sends `count` messages round the threads, `gapMs` apart (0: one per event-loop turn). */
  const sendSpread = async (count: number, gapMs = 0) => {
    for (let i = 0; i < count; i++) {
      const { threadId, users } = threads[sent.length % threads.length]!;
      sent.push(backend.chat.sendMessage(users[0]!, threadId, { content: `Status update number ${sent.length + 1} for everyone`, type: 'text' }));
      await new Promise((r) => (gapMs ? setTimeout(r, gapMs) : setImmediate(r)));
    }
  };

  // Configured now, joined during the outage (the admin call needs no Redis): the listener cannot
  // record the join then, and must still serve the thread afterwards.
  const lateUser = backend.identity.createUser();
  const late = { threadId: backend.chat.createThread(lateUser, { topic: 'late', participants: [] }).thread.id, users: [lateUser] };
  await bot.settings.put(late.threadId, { languages: ['es'] });

  await sendSpread(40);
  // Under load: jobs are queued and in flight when Redis dies.
  await watch.next((e) => e.type === 'chatMessageReceived', 'the first post');
  await redis.kill();
  const postsWhenKilled = watch.events.length;
  await bot.admin.addParticipant(late.threadId, bot.botId, 'parley');
  threads.push(late);
  // The outage lasts as long as these take to send (about a second): the listener cannot enqueue them.
  await sendSpread(40, 25);
  await redis.restart();
  await sendSpread(40);

  expect(postsWhenKilled).toBeLessThan(40);
  await Promise.all(sent.map((m) => watch.posted(m.threadId, m.id, 30_000)));
  for (const { threadId, users } of threads) {
    const posts = botPostsBySource(backend, users[0]!, threadId, bot.botId);
    const mine = sent.filter((m) => m.threadId === threadId);
    expect([...posts.keys()].sort()).toEqual(mine.map((m) => m.id).sort());
    for (const m of mine) expect(posts.get(m.id), `posts for ${m.id}`).toHaveLength(1);
  }
  // The path under test ran: enqueues failed while Redis was down and a catch-up recovered them.
  const messages = logs.map((l) => l.msg);
  const fellBehind = messages.findIndex((m) => m.endsWith('; will catch up'));
  expect(fellBehind).toBeGreaterThanOrEqual(0);
  expect(messages.lastIndexOf('caught up')).toBeGreaterThan(fellBehind);
}, 60_000);
