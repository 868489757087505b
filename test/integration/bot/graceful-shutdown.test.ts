import { afterAll, beforeAll, expect, it } from 'vitest';
import { BotAdmin } from '../../../src/bot/bot-admin.js';
import { Bot } from '../../../src/bot/bot.js';
import { createLogger } from '../../../src/lib/logger.js';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';
import { fakeProvider } from '../../support/fake-provider.js';
import { REDIS_URL, deletePrefix, uniquePrefix } from '../../support/bot-env.js';

const prefix = uniquePrefix('graceful-shutdown');

let backend: TestBackend;
beforeAll(async () => {
  backend = await startTestBackend();
});
afterAll(async () => {
  await backend.close();
  await deletePrefix(REDIS_URL, prefix);
});

it('close() lets the job in flight finish and post before it returns', async () => {
  let started!: () => void;
  const inFlight = new Promise<void>((r) => (started = r));
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const base = fakeProvider();
  const bot = await new Bot({
    chatUrl: backend.url,
    accessKey: backend.accessKey,
    redisUrl: REDIS_URL,
    prefix,
    logger: createLogger('silent'),
    provider: {
      ...base,
      async translate(req) {
        started();
        await gate;
        return base.translate(req);
      },
    },
  }).start();
  const alice = backend.identity.createUser();
  const { thread } = backend.chat.createThread(alice, { topic: 't', participants: [] });
  await new BotAdmin(bot.settings, bot.admin, bot.redis, bot.keys).add(thread.id, { languages: ['es'] });
  backend.chat.sendMessage(alice, thread.id, { content: 'Please ship my order today', type: 'text' });
  await inFlight;

  let closed = false;
  const closing = bot.close().then(() => (closed = true));
  // The model answers only after close() began: the drain must wait for it.
  await new Promise((r) => setImmediate(r));
  expect(closed).toBe(false);
  release();
  await closing;
  const posts = backend.store.messages
    .page(thread.id, { beforeSeq: Number.MAX_SAFE_INTEGER, maxSeq: Number.MAX_SAFE_INTEGER, since: 0, changedAfter: -1 }, 50)
    .filter((m) => m.senderId === bot.botId && m.metadata?.parleyKind !== 'greeting');
  expect(posts.map((m) => m.content.message)).toEqual(['[es] [es] Please ship my order today']);
});
