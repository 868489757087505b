import { afterEach, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../../src/chat/events.js';
import { openDb, type Db } from '../../../src/chat/store/db.js';
import { createLogger } from '../../../src/lib/logger.js';
import { WebhookDispatcher, type DispatcherOptions } from '../../../src/webhooks/dispatcher.js';
import type { EventGridEvent } from '../../../src/webhooks/envelopes.js';
import { WebhookOutbox } from '../../../src/webhooks/outbox.js';
import { verifySignature } from '../../../src/webhooks/signature.js';
import { SubscriptionsRepo } from '../../../src/webhooks/subscriptions-repo.js';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const SECRET = 'a-test-secret-of-enough-length';

interface Call {
  at: number;
  eventId: string;
  deliveryCount: number;
  body: string;
  signature: string;
}

interface RowState {
  eventId: string;
  attempts: number;
  nextAttemptAt: number;
  status: string;
}

/**
 * An outbox on an in-memory store and a dispatcher with a hand-driven clock and a fake `fetch`
 * whose receiver is down until `receiverUp = true`. Nothing here waits on real time: the test
 * moves the clock to the next due attempt and calls `wake()`.
 */
function harness(options: Partial<DispatcherOptions> = {}) {
  const db: Db = openDb(':memory:');
  let now = T0;
  const clock = () => now;
  const subscriptions = new SubscriptionsRepo(db);
  subscriptions.insert({ id: 'sub-1', name: 'hooks', endpointUrl: 'http://receiver.invalid/events', eventTypes: null, secret: SECRET, createdOn: T0 });
  const outbox = new WebhookOutbox(db, subscriptions, '/subscriptions/test', clock);
  const calls: Call[] = [];
  const h = {
    db,
    outbox,
    calls,
    receiverUp: false,
    now: () => now,
    setNow: (t: number) => (now = t),
    dispatcher: undefined as unknown as WebhookDispatcher,
    rows: (): RowState[] =>
      db
        .prepare<[], RowState>('SELECT event_id AS eventId, attempts, next_attempt_at AS nextAttemptAt, status FROM webhook_outbox ORDER BY id')
        .all(),
    /** Records one typing event on thread `t1`: one outbox row. */
    record(): string {
      const event: ChatEvent = { type: 'typingIndicatorReceived', threadId: 't1', sender: '8:acs:x_a', senderDisplayName: 'A', at: now, recipients: [] };
      outbox.record(event);
      return h.rows().at(-1)!.eventId;
    },
    /** Lets the in-flight delivery (a resolved fake fetch) finish. */
    async settle(done: () => boolean): Promise<void> {
      for (let i = 0; i < 100 && !done(); i++) await new Promise((r) => setImmediate(r));
      expect(done()).toBe(true);
    },
  };
  const fakeFetch = (async (_url: string | URL | Request, init?: RequestInit) => {
    const headers = init!.headers as Record<string, string>;
    const body = init!.body as string;
    const [event] = JSON.parse(body) as [EventGridEvent];
    calls.push({ at: now, eventId: event.id, deliveryCount: Number(headers['aeg-delivery-count']), body, signature: headers['parley-signature']! });
    if (!h.receiverUp) throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    return new Response(null, { status: 200 });
  }) as typeof fetch;
  h.dispatcher = new WebhookDispatcher({ outbox, subscriptions, logger: createLogger('silent'), clock, fetch: fakeFetch, ...options });
  return h;
}

type Harness = ReturnType<typeof harness>;
let current: Harness | undefined;
afterEach(async () => {
  await current?.dispatcher.close();
  current?.db.close();
  current = undefined;
});

/** Moves the clock to the head's next attempt, wakes the dispatcher, waits for that attempt to fail or succeed. */
async function nextAttempt(h: Harness): Promise<{ delay: number; head: RowState }> {
  const head = h.rows().find((r) => r.status === 'pending')!;
  const delay = head.nextAttemptAt - h.now();
  // Not due a millisecond early.
  h.setNow(head.nextAttemptAt - 1);
  const before = h.calls.length;
  h.dispatcher.wake();
  await new Promise((r) => setImmediate(r));
  expect(h.calls.length).toBe(before);
  h.setNow(head.nextAttemptAt);
  h.dispatcher.wake();
  await h.settle(() => h.calls.length > before && h.rows().find((r) => r.eventId === head.eventId)?.attempts !== head.attempts);
  return { delay, head };
}

describe('WebhookDispatcher backoff (defaults: base 1 s, cap 5 min, dead after 24 h)', () => {
  it('keeps retrying through a 10-minute outage, capped at maxDelayMs, then delivers in order with stable ids', async () => {
    const h = (current = harness());
    const first = h.record();
    const second = h.record(); // same thread: must wait behind the first
    await h.settle(() => h.rows()[0]!.attempts === 1); // the immediate attempt failed

    const delays: Array<{ attempts: number; delay: number }> = [];
    while (h.now() - T0 < 10 * MIN) {
      const { delay, head } = await nextAttempt(h);
      delays.push({ attempts: head.attempts, delay });
    }
    // Exponential with jitter in [exp/2, exp], exp = min(5 min, 1 s * 2^attempts).
    for (const { attempts, delay } of delays) {
      const exp = Math.min(5 * MIN, 1000 * 2 ** (attempts - 1));
      expect(delay).toBeGreaterThanOrEqual(exp / 2);
      expect(delay).toBeLessThanOrEqual(exp);
    }
    expect(delays.some((d) => 1000 * 2 ** (d.attempts - 1) >= 5 * MIN)).toBe(true); // the cap was reached
    expect(delays.length).toBeGreaterThanOrEqual(9);
    // Still pending after 10 minutes, and the second event never jumped the queue.
    expect(h.rows().map((r) => r.status)).toEqual(['pending', 'pending']);
    expect(h.calls.every((c) => c.eventId === first)).toBe(true);

    h.receiverUp = true;
    const recoveredAt = h.rows()[0]!.nextAttemptAt;
    expect(recoveredAt - h.now()).toBeLessThanOrEqual(5 * MIN); // reached within maxDelayMs of recovery
    await nextAttempt(h);
    await h.settle(() => h.rows().length === 0);
    expect(h.calls.map((c) => c.eventId)).toEqual([...Array(h.calls.length - 1).fill(first), second]);
    const tries = h.calls.filter((c) => c.eventId === first);
    expect(tries.map((c) => c.deliveryCount)).toEqual(tries.map((_, i) => i));
    expect(new Set(tries.map((c) => JSON.parse(c.body)[0].id))).toEqual(new Set([first]));
    // Each attempt is signed at its own time.
    const last = tries.at(-1)!;
    expect(verifySignature(SECRET, last.signature, last.body, last.at)).toBe(true);
  });

  it('dead-letters only once maxAgeMs has passed, then moves on to the next event', async () => {
    const h = (current = harness());
    const first = h.record();
    await h.settle(() => h.rows()[0]!.attempts === 1);
    let attempts = 1;
    for (;;) {
      const before = h.now();
      await nextAttempt(h);
      attempts++;
      const row = h.rows().find((r) => r.eventId === first)!;
      if (row.status === 'dead') {
        expect(h.now() - T0).toBeGreaterThanOrEqual(24 * 60 * MIN);
        expect(before - T0).toBeLessThan(24 * 60 * MIN);
        break;
      }
      expect(h.now() - T0).toBeLessThan(24 * 60 * MIN);
      expect(row.status).toBe('pending');
    }
    // 24 h of capped retries: hundreds of attempts, none skipped.
    expect(attempts).toBeGreaterThan(24 * 12);
    expect(h.outbox.counts('sub-1')).toEqual({ pending: 0, dead: 1 });

    h.receiverUp = true;
    const second = h.record();
    await h.settle(() => h.rows().length === 1);
    expect(h.calls.at(-1)!.eventId).toBe(second);
    expect(h.outbox.counts('sub-1')).toEqual({ pending: 0, dead: 1 });
  });

  it('honours custom baseDelayMs / maxDelayMs / maxAgeMs', async () => {
    const h = (current = harness({ baseDelayMs: 20, maxDelayMs: 100, maxAgeMs: 5000 }));
    h.record();
    await h.settle(() => h.rows()[0]!.attempts === 1);
    const delays: number[] = [];
    while (h.rows()[0]!.status === 'pending') delays.push((await nextAttempt(h)).delay);
    expect(Math.max(...delays)).toBeLessThanOrEqual(100);
    expect(delays.slice(0, 3).every((d, i) => d >= (20 * 2 ** i) / 2 && d <= 20 * 2 ** i)).toBe(true);
    expect(h.now() - T0).toBeGreaterThanOrEqual(5000);
    expect(h.now() - T0).toBeLessThan(5000 + 100);
  });
});
