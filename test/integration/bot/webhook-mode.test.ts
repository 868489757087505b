import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BotAdmin } from '../../../src/bot/bot-admin.js';
import { Bot } from '../../../src/bot/bot.js';
import { eventGridIntakeRoutes } from '../../../src/bot/http/event-grid-intake.js';
import { messageJobId } from '../../../src/bot/queue/jobs.js';
import { createBaseApp } from '../../../src/chat/http/app.js';
import { createLogger } from '../../../src/lib/logger.js';
import { signPayload } from '../../../src/webhooks/signature.js';
import { adminFetch } from '../../support/admin-client.js';
import { BotPostWatch, deletePrefix, REDIS_URL, uniquePrefix } from '../../support/bot-env.js';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';
import { fakeProvider } from '../../support/fake-provider.js';

const logger = createLogger('silent');
const secret = 'a-webhook-secret-of-some-length';
const prefix = uniquePrefix('webhook-mode');
const NS = 'Microsoft.Communication.';
let backend: TestBackend;
let intake: FastifyInstance;
let bot: Bot;
let admin: BotAdmin;
let watch: BotPostWatch;

beforeAll(async () => {
  backend = await startTestBackend({ webhooks: { baseDelayMs: 50 } });
  const holder: { bot?: Bot } = {};
  intake = createBaseApp({ logger });
  await intake.register(
    eventGridIntakeRoutes({
      secret,
      bot: () => {
        const b = holder.bot;
        const listener = b?.listener;
        return b && listener ? { botId: b.botId, client: b.client, handle: (frame) => listener.handle(frame) } : undefined;
      },
    }),
  );
  await intake.listen({ host: '127.0.0.1', port: 0 });
  const res = await adminFetch(backend.url, backend.accessKey, 'POST', '/admin/eventSubscriptions', {
    endpointUrl: `${intakeUrl()}/bot/events`,
    includedEventTypes: ['ChatMessageReceived', 'ChatMessageEdited', 'ChatMessageDeleted', 'ChatParticipantRemovedFromThreadWithUser'].map((t) => NS + t),
    secret,
  });
  expect(res.status).toBe(201);
  bot = await new Bot({
    chatUrl: backend.url,
    accessKey: backend.accessKey,
    redisUrl: REDIS_URL,
    prefix,
    provider: fakeProvider(),
    logger,
    events: 'webhook',
  }).start();
  holder.bot = bot;
  admin = new BotAdmin(bot.settings, bot.admin, bot.redis, bot.keys);
  watch = new BotPostWatch(backend, () => bot.botId);
});

afterAll(async () => {
  watch.close();
  await bot.close();
  await intake.close();
  await backend.close();
  await deletePrefix(REDIS_URL, prefix);
});

const intakeUrl = () => `http://127.0.0.1:${(intake.server.address() as AddressInfo).port}`;

/** POSTs Event Grid events to the bot's intake, signed with `secret` unless told otherwise. */
function deliver(events: unknown[], auth: 'signed' | 'bearer' | 'none' | { header: string; value: string } = 'signed'): Promise<Response> {
  const body = JSON.stringify(events);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'aeg-event-type': 'Notification' };
  if (auth === 'signed') headers['parley-signature'] = signPayload(secret, body, Date.now());
  else if (auth === 'bearer') headers.authorization = `Bearer ${secret}`;
  else if (auth !== 'none') headers[auth.header] = auth.value;
  return fetch(`${intakeUrl()}/bot/events`, { method: 'POST', headers, body });
}

const id = (raw: string) => ({ rawId: raw, communicationUser: { id: raw } });

/** A per-user ChatMessageReceived event addressed to the bot, saying whatever the forger likes. */
function forgedMessage(threadId: string, sender: string, messageId: string, text: string) {
  return {
    id: crypto.randomUUID(),
    topic: '/forged',
    subject: `thread/${threadId}`,
    eventType: `${NS}ChatMessageReceived`,
    eventTime: new Date().toISOString(),
    dataVersion: '1.0',
    metadataVersion: '1',
    data: {
      threadId,
      messageId,
      version: Number(messageId),
      type: 'Text',
      messageBody: text,
      senderCommunicationIdentifier: id(sender),
      senderDisplayName: 'mallory',
      recipientCommunicationIdentifier: id(bot.botId),
      composeTime: new Date(Number(messageId)).toISOString(),
      metadata: {},
    },
  };
}

/** A thread with alice and bob, served by the bot (French). */
async function servedThread(): Promise<{ threadId: string; alice: string; bob: string }> {
  const alice = backend.identity.createUser();
  const bob = backend.identity.createUser();
  const { thread } = backend.chat.createThread(alice, { topic: 'support', participants: [{ rawId: bob }] });
  await admin.add(thread.id, { languages: ['fr'] });
  return { threadId: thread.id, alice, bob };
}

it('takes its events from Event Grid webhooks (as against real ACS) and posts the translation', async () => {
  const { threadId, alice } = await servedThread();
  const sent = backend.chat.sendMessage(alice, threadId, { content: 'The invoice is wrong again', type: 'text' });
  const post = await watch.posted(threadId, sent.id);
  expect(post.content.message).toBe('[fr] [fr] The invoice is wrong again');
  // bob's per-user event was delivered too, but only the bot's own counts: one post.
  expect(watch.postsFor(threadId, sent.id)).toHaveLength(1);
});

describe('authentication (fail closed)', () => {
  it('refuses deliveries without a valid signature', async () => {
    const res = await deliver([{ eventType: `${NS}ChatMessageReceived`, data: {} }], { header: 'parley-signature', value: 't=1,v1=00' });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'Unauthorized' } });
  });

  it('refuses unsigned deliveries, and a wrong bearer secret', async () => {
    const { threadId, alice } = await servedThread();
    const event = forgedMessage(threadId, alice, String(Date.now()), 'unsigned');
    expect((await deliver([event], 'none')).status).toBe(401);
    expect((await deliver([event], { header: 'authorization', value: 'Bearer not-the-secret-at-all' })).status).toBe(401);
    expect(await bot.queue.getJob(messageJobId({ kind: 'received', threadId, messageId: event.data.messageId, version: event.data.messageId }))).toBeUndefined();
  });

  it('takes the secret as a static bearer header too (how an Azure Event Grid subscription sends it)', async () => {
    const res = await deliver([], 'bearer');
    expect(res.status).toBe(200);
  });

  it('refuses to be mounted without a secret', () => {
    expect(() => eventGridIntakeRoutes({ secret: '', bot: () => undefined })).toThrow(/secret/);
  });
});

describe('a signed event is only a hint: the bot reads it back over REST', () => {
  it('posts nothing for a message that does not exist', async () => {
    const { threadId, alice } = await servedThread();
    const forgedId = String(Date.now() - 1000);
    const res = await deliver([forgedMessage(threadId, alice, forgedId, 'Send your password to mallory@example.com')]);
    // Answered once the listener took the event in (or dropped it): no job was made for it.
    expect(res.status).toBe(200);
    expect(await bot.queue.getJob(messageJobId({ kind: 'received', threadId, messageId: forgedId, version: forgedId }))).toBeUndefined();
    // A real message afterwards is translated; the forged text never was.
    const real = backend.chat.sendMessage(alice, threadId, { content: 'Real message', type: 'text' });
    await watch.posted(threadId, real.id);
    expect(watch.postsFor(threadId, forgedId)).toEqual([]);
    expect(watch.events.some((e) => e.message.content.message?.includes('mallory'))).toBe(false);
  });

  it('translates what the backend says the message is, not what the event says', async () => {
    const { threadId, alice, bob } = await servedThread();
    // A real message id, dressed up with other text and another sender.
    const real = backend.chat.sendMessage(alice, threadId, { content: 'Where is my order?', type: 'text' });
    const res = await deliver([forgedMessage(threadId, bob, real.id, 'I authorise a full refund')]);
    expect(res.status).toBe(200);
    const post = await watch.posted(threadId, real.id);
    expect(post.content.message).toBe('[fr] [fr] Where is my order?');
    expect(watch.events.some((e) => e.message.content.message?.includes('refund'))).toBe(false);
  });

  it('ignores a forged message in a thread the bot is not in', async () => {
    const alice = backend.identity.createUser();
    const { thread } = backend.chat.createThread(alice, { topic: 'private', participants: [] });
    const m = backend.chat.sendMessage(alice, thread.id, { content: 'secret plans', type: 'text' });
    await bot.settings.put(thread.id, { languages: ['fr'] }); // settings alone: the bot is no participant
    expect((await deliver([forgedMessage(thread.id, alice, m.id, 'secret plans')])).status).toBe(200);
    expect(await bot.queue.getJob(messageJobId({ kind: 'received', threadId: thread.id, messageId: m.id, version: m.version }))).toBeUndefined();
    await bot.settings.remove(thread.id);
  });

  it('does not drop a thread on a forged "bot removed" event, and does on a real removal', async () => {
    const { threadId, alice } = await servedThread();
    const removed = {
      id: crypto.randomUUID(),
      topic: '/forged',
      subject: `thread/${threadId}`,
      eventType: `${NS}ChatParticipantRemovedFromThreadWithUser`,
      eventTime: new Date().toISOString(),
      dataVersion: '1.0',
      metadataVersion: '1',
      data: {
        threadId,
        time: new Date().toISOString(),
        participantRemoved: { participantCommunicationIdentifier: id(bot.botId) },
        recipientCommunicationIdentifier: id(bot.botId),
      },
    };
    expect((await deliver([removed])).status).toBe(200);
    expect(await bot.settings.get(threadId)).not.toBeNull();
    // The backend's own event, after a real removal, is confirmed (the bot is refused the thread).
    backend.chat.removeParticipant(alice, threadId, bot.botId);
    await vi.waitFor(async () => expect(await bot.settings.get(threadId)).toBeNull(), { timeout: 20_000, interval: 50 });
  });
});
