import { afterAll, beforeAll, expect, it } from 'vitest';
import { Bot } from '../../../src/bot/bot.js';
import { createLogger } from '../../../src/lib/logger.js';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';
import { fakeProvider } from '../../support/fake-provider.js';
import { REDIS_URL, deletePrefix, uniquePrefix } from '../../support/bot-env.js';

const prefix = uniquePrefix('pipeline-sanity');

let backend: TestBackend;
let bot: Bot;
const provider = fakeProvider();

beforeAll(async () => {
  backend = await startTestBackend();
  bot = await new Bot({
    chatUrl: backend.url,
    accessKey: backend.accessKey,
    redisUrl: 'redis://127.0.0.1:6379',
    prefix,
    provider,
    logger: createLogger('silent'),
  }).start();
});
afterAll(async () => {
  await bot.close();
  await backend.close();
  await deletePrefix(REDIS_URL, prefix);
});

it('translates a message into the thread languages in one post', async () => {
  const alice = backend.identity.createUser();
  const { thread } = backend.chat.createThread(alice, { topic: 't', participants: [] });
  await bot.settings.put(thread.id, { languages: ['es', 'fr'] });
  await bot.admin.addParticipant(thread.id, bot.botId, 'parley');
  const posted = new Promise<string>((resolve) =>
    backend.chat.events.subscribe((e) => {
      if (e.type === 'chatMessageReceived' && e.message.senderId === bot.botId && e.message.metadata?.parleySourceId) resolve(e.message.content.message ?? '');
    }),
  );
  backend.chat.sendMessage(alice, thread.id, { content: 'Hello there, how are you?', type: 'text' });
  expect(await posted).toBe('[es] [es] Hello there, how are you?\n[fr] [fr] Hello there, how are you?');
  expect(provider.calls).toHaveLength(1);
});
