import { systemClock, type Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { OutboxRow, WebhookOutbox } from './outbox.js';
import { signPayload, SIGNATURE_HEADER } from './signature.js';
import type { SubscriptionsRepo } from './subscriptions-repo.js';

export interface DispatcherOptions {
  outbox: WebhookOutbox;
  subscriptions: SubscriptionsRepo;
  logger: Logger;
  /** @defaultValue the system clock */
  clock?: Clock;
  /** @defaultValue globalThis.fetch */
  fetch?: typeof fetch;
  /** Deliveries in flight at once (each to a different subscription/thread queue). @defaultValue 8 */
  concurrency?: number;
  /** First retry delay; doubles per attempt, with jitter. @defaultValue 1000 */
  baseDelayMs?: number;
  /** @defaultValue 300000 (5 minutes) */
  maxDelayMs?: number;
  /** An event still undelivered after this long is dead-lettered. @defaultValue 24 hours */
  maxAgeMs?: number;
  /** Per-request timeout. @defaultValue 30000 */
  timeoutMs?: number;
  /** How often due retries are looked for. @defaultValue 500 */
  pollMs?: number;
  /**
   * The store's durability: rows are read only when every write is on disk (`synced()`), else after
   * `durable()` — so no event goes out for a change a power loss could still take back.
   */
  durability?: { synced(): boolean; durable(): Promise<void> };
}

/**
 * Delivers the outbox to webhook receivers: at least once, one event per request with its stable
 * Event Grid id, per-thread order kept (a queue's head blocks the rest), exponential backoff with
 * jitter, dead-lettering after `maxAgeMs`.
 */
export class WebhookDispatcher {
  private readonly o: Required<Omit<DispatcherOptions, 'outbox' | 'subscriptions' | 'logger'>>;
  private readonly inFlight = new Set<number>();
  private readonly active = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  /** Aborts requests in flight on close: a hanging receiver must not hold up shutdown for `timeoutMs`. */
  private aborter = new AbortController();
  private stopped = false;
  private pumping = false;
  private again = false;

  constructor(private readonly options: DispatcherOptions) {
    this.o = {
      clock: systemClock,
      fetch: globalThis.fetch,
      concurrency: 8,
      baseDelayMs: 1000,
      maxDelayMs: 300_000,
      maxAgeMs: 24 * 3600_000,
      timeoutMs: 30_000,
      pollMs: 500,
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    } as DispatcherOptions & typeof this.o;
    options.outbox.onRecorded = () => this.wake();
  }

  start(): void {
    this.stopped = false;
    if (this.aborter.signal.aborted) this.aborter = new AbortController();
    this.schedule();
    this.wake();
  }

  /** Looks for due deliveries now. */
  wake(): void {
    if (this.stopped) return;
    const durability = this.options.durability;
    if (durability && !durability.synced()) {
      // After a failed sync the store takes no writes and nothing more is delivered.
      void durability.durable().then(
        () => this.wake(),
        () => undefined,
      );
      return;
    }
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        const free = this.o.concurrency - this.inFlight.size;
        if (free <= 0) break;
        const heads = this.options.outbox.dueHeads(free + this.inFlight.size).filter((r) => !this.inFlight.has(r.id));
        for (const row of heads.slice(0, free)) this.launch(row);
      } while (this.again);
    } catch (err) {
      this.options.logger.error({ err }, 'webhook dispatch failed');
    } finally {
      this.pumping = false;
    }
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.wake();
      if (!this.stopped) this.schedule();
    }, this.o.pollMs);
    this.timer.unref();
  }

  private launch(row: OutboxRow): void {
    this.inFlight.add(row.id);
    const p = this.deliver(row).finally(() => {
      this.inFlight.delete(row.id);
      this.active.delete(p);
      this.wake();
    });
    this.active.add(p);
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const sub = this.options.subscriptions.get(row.subscriptionId);
    if (!sub) return; // deleted meanwhile: its rows went with it
    const body = JSON.stringify([row.envelope]);
    let error: string;
    try {
      // Never sign with an empty key: the delivery fails (and is retried, then dead-lettered) with the reason.
      if (sub.secretProblem) throw new Error(sub.secretProblem);
      const res = await this.o.fetch(sub.endpointUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'aeg-event-type': 'Notification',
          'aeg-subscription-name': sub.name,
          'aeg-delivery-count': String(row.attempts),
          'aeg-data-version': row.envelope.dataVersion,
          'aeg-metadata-version': row.envelope.metadataVersion,
          [SIGNATURE_HEADER]: signPayload(sub.secret, body, this.o.clock()),
        },
        body,
        signal: AbortSignal.any([AbortSignal.timeout(this.o.timeoutMs), this.aborter.signal]),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) {
        this.options.outbox.delivered(row.id);
        return;
      }
      error = `HTTP ${res.status}`;
    } catch (err) {
      error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
    if (this.stopped) return this.options.outbox.retryAt(row.id, this.o.clock(), error);
    const now = this.o.clock();
    if (now - row.createdOn >= this.o.maxAgeMs) {
      this.options.logger.warn({ subscription: sub.name, eventId: row.eventId, error }, 'webhook event dead-lettered');
      return this.options.outbox.dead(row.id, error);
    }
    const exp = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** row.attempts);
    const delay = exp / 2 + Math.random() * (exp / 2);
    this.options.logger.info({ subscription: sub.name, attempt: row.attempts + 1, delayMs: Math.round(delay), error }, 'webhook delivery failed');
    this.options.outbox.retryAt(row.id, now + delay, error);
  }

  /**
   * Idempotent: stops polling, aborts requests in flight and waits for them to be recorded. An
   * aborted event stays at its queue's head and is sent again (same id) after a restart.
   */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.aborter.abort();
    await Promise.allSettled([...this.active]);
  }
}
