import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { adminFetch } from '../../support/admin-client.js';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';
import { startWebhookReceiver, subscribeWebhook, type WebhookReceiver } from '../../support/webhook-receiver.js';

const PATH = '/admin/eventSubscriptions';
const IN_THREAD = 'Microsoft.Communication.ChatMessageReceivedInThread';

let backend: TestBackend;
let receiver: WebhookReceiver;
let other: WebhookReceiver;

beforeAll(async () => {
  backend = await startTestBackend({ webhooks: { baseDelayMs: 20, maxDelayMs: 100, pollMs: 10, timeoutMs: 2000 } });
  [receiver, other] = await Promise.all([startWebhookReceiver(), startWebhookReceiver()]);
});
afterAll(async () => {
  await backend.close();
  await Promise.all([receiver.close(), other.close()]);
});

const admin = (method: string, path: string, body?: unknown) => adminFetch(backend.url, backend.accessKey, method, path, body);
const listSubscriptions = async () => {
  const res = await admin('GET', PATH);
  expect(res.status).toBe(200);
  return ((await res.json()) as { value: Array<Record<string, unknown>> }).value;
};
const expectAcsError = async (res: Response, status: number) => {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error).toEqual({ code: expect.any(String), message: expect.any(String) });
  return body.error;
};

describe('validation handshake', () => {
  it.each(['wrong-code', 'status-500', 'status-202'] as const)('refuses an endpoint answering %s: 400, nothing created', async (mode) => {
    const r = await startWebhookReceiver({ handshake: mode });
    try {
      const before = r.handshakes.length;
      const error = await expectAcsError(await admin('POST', PATH, { endpointUrl: r.url }), 400);
      expect(error.message).toMatch(/validation/i);
      expect(r.handshakes.length).toBe(before + 1);
      expect((await listSubscriptions()).map((s) => s.endpointUrl)).not.toContain(r.url);
    } finally {
      await r.close();
    }
  });

  it('refuses an unreachable endpoint: 400, nothing created', async () => {
    const r = await startWebhookReceiver();
    await r.close();
    await expectAcsError(await admin('POST', PATH, { endpointUrl: r.url }), 400);
    expect((await listSubscriptions()).map((s) => s.endpointUrl)).not.toContain(r.url);
  });

  it('sends an Event Grid SubscriptionValidationEvent and activates on the echoed code (201)', async () => {
    const res = await admin('POST', PATH, { endpointUrl: receiver.url, name: 'hooks-1', includedEventTypes: [IN_THREAD] });
    expect(res.status).toBe(201);
    const sub = (await res.json()) as Record<string, unknown>;
    expect(sub).toMatchObject({ id: expect.any(String), name: 'hooks-1', endpointUrl: receiver.url, eventTypes: [IN_THREAD] });
    expect(sub.secret).toEqual(expect.any(String));
    const handshake = receiver.handshakes.at(-1)!;
    expect(handshake).toMatchObject({
      id: expect.any(String),
      eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
      subject: '',
      data: { validationCode: expect.any(String) },
      dataVersion: expect.any(String),
      metadataVersion: '1',
    });
    expect(Number.isNaN(Date.parse(handshake.eventTime))).toBe(false);

    const listed = (await listSubscriptions()).find((s) => s.id === sub.id);
    expect(listed).toMatchObject({ name: 'hooks-1', endpointUrl: receiver.url, pending: 0, deadLettered: 0 });
    expect(listed).not.toHaveProperty('secret');

    // Active at once: the next message is delivered.
    const alice = backend.identity.createUser();
    const { thread } = backend.chat.createThread(alice, { topic: 'active', participants: [] });
    backend.chat.sendMessage(alice, thread.id, { content: 'first', type: 'text' });
    const [event] = await receiver.waitForEvents(1, (e) => e.data.threadId === thread.id);
    expect(event!.eventType).toBe(IN_THREAD);
  });
});

describe('authentication', () => {
  const wrongKey = randomBytes(32).toString('base64');
  it.each([
    ['POST', PATH, { endpointUrl: 'http://127.0.0.1:1/x' }],
    ['GET', PATH, undefined],
    ['DELETE', `${PATH}/00000000-0000-0000-0000-000000000000`, undefined],
  ] as const)('%s %s: 401 unsigned and with another key', async (method, path, body) => {
    const unsigned = await fetch(`${backend.url}${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    await expectAcsError(unsigned, 401);
    await expectAcsError(await adminFetch(backend.url, wrongKey, method, path, body), 401);
  });
});

describe('request validation', () => {
  it.each([
    ['a non-URL endpoint', { endpointUrl: 'not a url' }],
    ['a non-http endpoint', { endpointUrl: 'ftp://127.0.0.1/x' }],
    ['no endpoint', {}],
    ['an unknown event type', { endpointUrl: 'http://127.0.0.1:1/x', includedEventTypes: ['Microsoft.Communication.ChatNope'] }],
    ['an empty event type list', { endpointUrl: 'http://127.0.0.1:1/x', includedEventTypes: [] }],
    ['a short secret', { endpointUrl: 'http://127.0.0.1:1/x', secret: 'short' }],
  ])('400 for %s', async (_what, body) => {
    const before = (await listSubscriptions()).length;
    await expectAcsError(await admin('POST', PATH, body), 400);
    expect((await listSubscriptions()).length).toBe(before);
  });

  it('404 for an unknown subscription id', async () => {
    await expectAcsError(await admin('DELETE', `${PATH}/00000000-0000-0000-0000-000000000000`), 404);
  });
});

describe('listing and removal', () => {
  it('counts pending and dead-lettered events per subscription', async () => {
    const dlq = await startTestBackend({ webhooks: { baseDelayMs: 20, maxDelayMs: 40, pollMs: 10, maxAgeMs: 0 } });
    const pendingBackend = backend;
    const failing = await startWebhookReceiver();
    try {
      // A receiver failing forever: with maxAgeMs 0 each event is dead-lettered at its first failure.
      const deadSub = await subscribeWebhook(dlq, { endpointUrl: failing.url, includedEventTypes: [IN_THREAD] });
      failing.fail();
      const a = dlq.identity.createUser();
      const { thread } = dlq.chat.createThread(a, { topic: 'dead', participants: [] });
      for (const m of ['1', '2', '3']) dlq.chat.sendMessage(a, thread.id, { content: m, type: 'text' });
      await failing.waitForAttempts(3);
      await vi.waitFor(async () => {
        const res = await adminFetch(dlq.url, dlq.accessKey, 'GET', PATH);
        const [listed] = ((await res.json()) as { value: Array<{ id: string; pending: number; deadLettered: number }> }).value;
        expect(listed).toMatchObject({ id: deadSub.id, pending: 0, deadLettered: 3 });
      }, { interval: 10, timeout: 5000 });

      // On the main backend, a failing receiver keeps events pending (the queue head blocks the rest).
      const pendingSub = await subscribeWebhook(pendingBackend, { endpointUrl: failing.url, includedEventTypes: [IN_THREAD] });
      const b = pendingBackend.identity.createUser();
      const t2 = pendingBackend.chat.createThread(b, { topic: 'pending', participants: [] }).thread;
      for (const m of ['1', '2']) pendingBackend.chat.sendMessage(b, t2.id, { content: m, type: 'text' });
      const listed = (await listSubscriptions()).find((s) => s.id === pendingSub.id);
      expect(listed).toMatchObject({ pending: 2, deadLettered: 0 });
      expect((await admin('DELETE', `${PATH}/${pendingSub.id}`)).status).toBe(204);
    } finally {
      await dlq.close();
      await failing.close();
    }
  });

  it('delete answers 204, then nothing more is delivered to it', async () => {
    const gone = await subscribeWebhook(backend, { endpointUrl: other.url, includedEventTypes: [IN_THREAD] });
    const alice = backend.identity.createUser();
    const { thread } = backend.chat.createThread(alice, { topic: 'delete', participants: [] });
    backend.chat.sendMessage(alice, thread.id, { content: 'before', type: 'text' });
    await other.waitForEvents(1, (e) => e.data.threadId === thread.id);

    const res = await admin('DELETE', `${PATH}/${gone.id}`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect((await listSubscriptions()).map((s) => s.id)).not.toContain(gone.id);
    await expectAcsError(await admin('DELETE', `${PATH}/${gone.id}`), 404);

    // `receiver` is still subscribed: once it has the later message, `other` would have had it too.
    backend.chat.sendMessage(alice, thread.id, { content: 'after', type: 'text' });
    await receiver.waitForEvents(1, (e) => e.data.messageBody === 'after');
    expect(other.events.filter((e) => e.data.threadId === thread.id).map((e) => e.data.messageBody)).toEqual(['before']);
  });
});
