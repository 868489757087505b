import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import type { EventGridEvent } from '../../../src/webhooks/envelopes.js';
import { adminFetch } from '../../support/admin-client.js';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';
import { startWebhookReceiver, subscribeWebhook, type DeliveryAttempt, type WebhookReceiver } from '../../support/webhook-receiver.js';

let backend: TestBackend;
let receiver: WebhookReceiver;
let subscriptionId: string;
let users: [string, string, string];

beforeAll(async () => {
  backend = await startTestBackend({ webhooks: { baseDelayMs: 20, maxDelayMs: 200, pollMs: 10, timeoutMs: 2000 } });
  users = [backend.identity.createUser(), backend.identity.createUser(), backend.identity.createUser()];
});
afterAll(async () => {
  await backend.close();
});
afterEach(async () => {
  await adminFetch(backend.url, backend.accessKey, 'DELETE', `/admin/eventSubscriptions/${subscriptionId}`);
  await receiver.close();
});

async function subscribe(): Promise<void> {
  receiver = await startWebhookReceiver();
  subscriptionId = (await subscribeWebhook(backend, { endpointUrl: receiver.url })).id;
}

/** This subscription's outbox rows in creation order (what must arrive, per thread in this order). */
function pendingInOrder(): Array<{ eventId: string; threadId: string; attempts: number }> {
  return backend.store.db
    .prepare<[string], { eventId: string; threadId: string; attempts: number }>(
      "SELECT event_id AS eventId, order_key AS threadId, attempts FROM webhook_outbox WHERE subscription_id = ? AND status = 'pending' ORDER BY id",
    )
    .all(subscriptionId);
}

function newThread(topic: string): string {
  const [alice, bob, carol] = users;
  return backend.chat.createThread(alice, { topic, participants: [{ rawId: bob }, { rawId: carol }] }).thread.id;
}

const byThread = <T extends { threadId: string }>(rows: T[], threadId: string) => rows.filter((r) => r.threadId === threadId);
const delivered = (events: EventGridEvent[]) => events.map((e) => ({ eventId: e.id, threadId: e.data.threadId as string }));

/** Every event arrived once, in creation order per thread. */
function expectAllInThreadOrder(expected: Array<{ eventId: string; threadId: string }>, events: EventGridEvent[], threads: string[]) {
  const got = delivered(events);
  expect(new Set(got.map((g) => g.eventId))).toEqual(new Set(expected.map((e) => e.eventId)));
  expect(got.length).toBe(expected.length);
  for (const t of threads) expect(byThread(got, t).map((g) => g.eventId)).toEqual(byThread(expected, t).map((e) => e.eventId));
}

/** Retries of one event carry the same envelope with aeg-delivery-count 0, 1, 2, … */
function expectStableRetries(attempts: DeliveryAttempt[]) {
  const byId = new Map<string, DeliveryAttempt[]>();
  for (const a of attempts) byId.set(a.event.id, [...(byId.get(a.event.id) ?? []), a]);
  for (const [, tries] of byId) {
    expect(tries.map((t) => t.deliveryCount)).toEqual(tries.map((_, i) => i));
    for (const t of tries) expect(t.event).toEqual(tries[0]!.event);
    expect(tries.slice(0, -1).every((t) => t.status === 500)).toBe(true);
    expect(tries.at(-1)!.status).toBe(200);
  }
}

it('redelivers every event after a receiver answering 500 recovers: same ids, counts up, per-thread order', async () => {
  await subscribe();
  receiver.fail();
  const [alice, bob] = users;
  const threads = [newThread('one')];
  // Events keep coming while the receiver fails: each round waits for at least one more failed attempt.
  for (let round = 0; round < 5; round++) {
    if (round === 1) threads.push(newThread('two'), newThread('three'));
    for (const t of threads) backend.chat.sendMessage(round % 2 ? bob : alice, t, { content: `r${round}`, type: 'text' });
    await receiver.waitForAttempts(receiver.attempts.length + 1);
  }
  const expected = pendingInOrder();
  expect(expected.length).toBe(3 * 3 + 13 * 3); // 3 threads created, 13 messages; 1 InThread + 2 per-user each
  expect(receiver.attempts.length).toBeGreaterThanOrEqual(5);
  expect(receiver.events).toEqual([]);

  receiver.recover();
  const events = await receiver.waitForEvents(expected.length);
  expectAllInThreadOrder(expected, events, threads);
  expectStableRetries(receiver.attempts);
  const failedIds = new Set(receiver.attempts.filter((a) => a.status === 500).map((a) => a.event.id));
  for (const id of failedIds) expect(events.some((e) => e.id === id)).toBe(true);
  expect(Math.max(...receiver.attempts.map((a) => a.deliveryCount))).toBeGreaterThanOrEqual(2);
  // The last response may still be on its way back to the dispatcher.
  await vi.waitFor(() => expect(pendingInOrder()).toEqual([]), { interval: 10, timeout: 5000 });
});

it('redelivers after the receiver refused connections, with order kept across retries', async () => {
  await subscribe();
  await receiver.down();
  const threads = [newThread('a'), newThread('b')];
  for (let i = 0; i < 4; i++) for (const t of threads) backend.chat.sendMessage(users[i % 3]!, t, { content: `m${i}`, type: 'text' });
  // Several attempts were refused (the outbox counts them), and nothing was skipped.
  const headAttempts = () => threads.map((t) => byThread(pendingInOrder(), t)[0]!.attempts);
  await vi.waitFor(() => expect(Math.min(...headAttempts())).toBeGreaterThanOrEqual(3), { interval: 10, timeout: 5000 });
  const expected = pendingInOrder();
  expect(expected.length).toBe(2 * 3 + 8 * 3);

  await receiver.up();
  const events = await receiver.waitForEvents(expected.length);
  expectAllInThreadOrder(expected, events, threads);
  // The heads were retried: their first arrival carries the refused attempts in its delivery count.
  const heads = threads.map((t) => byThread(expected, t)[0]!);
  for (const h of heads) expect(receiver.attempts.find((a) => a.event.id === h.eventId)!.deliveryCount).toBeGreaterThanOrEqual(h.attempts);
});

it('is at least once: a receiver failing after processing gets the same event again, same id', async () => {
  await subscribe();
  receiver.fail({ times: 2, afterProcessing: true });
  const t = newThread('twice');
  // The head processed three times (twice answered 500 afterwards), then the two per-user events.
  const events = await receiver.waitForEvents(5);
  const first = receiver.attempts.filter((a) => a.event.eventType === 'Microsoft.Communication.ChatThreadCreated');
  expect(first.map((a) => [a.status, a.deliveryCount])).toEqual([
    [500, 0],
    [500, 1],
    [200, 2],
  ]);
  expect(new Set(first.map((a) => a.event.id)).size).toBe(1);
  expect(events.filter((e) => e.id === first[0]!.event.id)).toHaveLength(3);
  // The rest of the thread waited behind the head, then arrived once each.
  expect(events.slice(3).map((e) => e.eventType)).toEqual(Array(2).fill('Microsoft.Communication.ChatThreadCreatedWithUser'));
  expect(new Set(events.map((e) => e.id)).size).toBe(3);
  expect(events.every((e) => e.data.threadId === t)).toBe(true);
});

it('a receiver that is down does not hold up another subscription', async () => {
  await subscribe();
  await receiver.down();
  const healthy = await startWebhookReceiver();
  const healthyId = (await subscribeWebhook(backend, { endpointUrl: healthy.url })).id;
  try {
    const threads = [newThread('x'), newThread('y')];
    for (const t of threads) backend.chat.sendMessage(users[0], t, { content: 'go', type: 'text' });
    const events = await healthy.waitForEvents(2 * 3 + 2 * 3);
    expect(new Set(events.map((e) => e.data.threadId))).toEqual(new Set(threads));
    expect(pendingInOrder()).toHaveLength(2 * 3 + 2 * 3);
  } finally {
    await adminFetch(backend.url, backend.accessKey, 'DELETE', `/admin/eventSubscriptions/${healthyId}`);
    await healthy.close();
  }
});
