import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BotAdmin } from '../../../src/bot/bot-admin.js';
import { Bot } from '../../../src/bot/bot.js';
import { eventGridIntakeRoutes } from '../../../src/bot/http/event-grid-intake.js';
import { createBaseApp } from '../../../src/chat/http/app.js';
import { createLogger } from '../../../src/lib/logger.js';
import { adminFetch } from '../../support/admin-client.js';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';
import { fakeProvider } from '../../support/fake-provider.js';

const logger = createLogger('silent');
const secret = 'a-webhook-secret-of-some-length';
let backend: TestBackend;
let intake: FastifyInstance;
let bot: Bot;
let admin: BotAdmin;

beforeAll(async () => {
  backend = await startTestBackend({ webhooks: { baseDelayMs: 50 } });
  const holder: { bot?: Bot } = {};
  intake = createBaseApp({ logger });
  await intake.register(
    eventGridIntakeRoutes({
      secret,
      ready: () => Boolean(holder.bot?.listener),
      botId: () => holder.bot?.botId ?? '',
      handle: (frame) => holder.bot!.listener!.handle(frame),
    }),
  );
  await intake.listen({ host: '127.0.0.1', port: 0 });
  const res = await adminFetch(backend.url, backend.accessKey, 'POST', '/admin/eventSubscriptions', {
    endpointUrl: `http://127.0.0.1:${(intake.server.address() as AddressInfo).port}/bot/events`,
    includedEventTypes: ['ChatMessageReceived', 'ChatMessageEdited', 'ChatMessageDeleted'].map((t) => `Microsoft.Communication.${t}`),
    secret,
  });
  expect(res.status).toBe(201);
  bot = await new Bot({
    chatUrl: backend.url,
    accessKey: backend.accessKey,
    redisUrl: 'redis://127.0.0.1:6379',
    prefix: `test-${randomUUID()}`,
    provider: fakeProvider(),
    logger,
    events: 'webhook',
  }).start();
  holder.bot = bot;
  admin = new BotAdmin(bot.settings, bot.admin, bot.redis, bot.keys);
});

afterAll(async () => {
  await bot.close();
  await intake.close();
  await backend.close();
});

it('takes its events from Event Grid webhooks (as against real ACS) and posts the translation', async () => {
  const alice = backend.identity.createUser();
  const bob = backend.identity.createUser();
  const { thread } = backend.chat.createThread(alice, { topic: 'support', participants: [{ rawId: bob }] });
  await admin.add(thread.id, { languages: ['fr'] });
  const posts: string[] = [];
  const posted = new Promise<void>((resolve) =>
    backend.chat.events.subscribe((e) => {
      if (e.type === 'chatMessageReceived' && e.message.senderId === bot.botId) {
        posts.push(e.message.content.message ?? '');
        resolve();
      }
    }),
  );
  backend.chat.sendMessage(alice, thread.id, { content: 'The invoice is wrong again', type: 'text' });
  await posted;
  // bob's per-user event was delivered too, but only the bot's own counts: one post.
  expect(posts).toEqual(['[fr] [fr] The invoice is wrong again']);
});

it('refuses deliveries without a valid signature', async () => {
  const port = (intake.server.address() as AddressInfo).port;
  const res = await fetch(`http://127.0.0.1:${port}/bot/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'parley-signature': 't=1,v1=00' },
    body: JSON.stringify([{ eventType: 'Microsoft.Communication.ChatMessageReceived', data: {} }]),
  });
  expect(res.status).toBe(401);
  expect(await res.json()).toMatchObject({ error: { code: 'Unauthorized' } });
});
