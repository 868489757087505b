import type { ChatEvent } from '../chat/events.js';
import type { DurableEventSink } from '../chat/service/chat-service.js';
import type { Db } from '../chat/store/db.js';
import type { Clock } from '../lib/clock.js';
import { toEventGrid, type EventGridEvent } from './envelopes.js';
import type { SubscriptionsRepo } from './subscriptions-repo.js';

export interface OutboxRow {
  id: number;
  subscriptionId: string;
  orderKey: string;
  eventId: string;
  envelope: EventGridEvent;
  attempts: number;
  nextAttemptAt: number;
  createdOn: number;
}

interface Row {
  id: number;
  subscription_id: string;
  order_key: string;
  event_id: string;
  envelope: string;
  attempts: number;
  next_attempt_at: number;
  created_on: number;
}

/**
 * The durable webhook outbox. `record` runs inside the chat write's own transaction, so an event
 * exists exactly when its change does. Rows of one (subscription, thread) are delivered in id order.
 */
export class WebhookOutbox implements DurableEventSink {
  private readonly insertStmt;
  private readonly headsStmt;
  private readonly deliveredStmt;
  private readonly retryStmt;
  private readonly deadStmt;
  private readonly countsStmt;
  /** Called after rows were recorded, to wake the dispatcher. */
  onRecorded: () => void = () => {};

  constructor(
    private readonly db: Db,
    private readonly subscriptions: SubscriptionsRepo,
    private readonly topic: string,
    private readonly clock: Clock,
    /** A thread's creation time (epoch ms), for `createTime` in events that lack the thread. */
    private readonly threadCreatedOn: (threadId: string) => number | undefined = () => undefined,
  ) {
    this.insertStmt = db.prepare(
      `INSERT INTO webhook_outbox (subscription_id, order_key, event_id, event_type, envelope, next_attempt_at, created_on)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    // The head (lowest id) of each pending (subscription, thread) queue that is due.
    this.headsStmt = db.prepare<[number, number], Row>(
      `SELECT o.* FROM webhook_outbox o
       JOIN (SELECT MIN(id) AS id FROM webhook_outbox WHERE status = 'pending' GROUP BY subscription_id, order_key) h ON h.id = o.id
       WHERE o.next_attempt_at <= ? ORDER BY o.id LIMIT ?`,
    );
    this.deliveredStmt = db.prepare('DELETE FROM webhook_outbox WHERE id = ?');
    this.retryStmt = db.prepare('UPDATE webhook_outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?');
    this.deadStmt = db.prepare("UPDATE webhook_outbox SET status = 'dead', attempts = attempts + 1, last_error = ? WHERE id = ?");
    this.countsStmt = db.prepare<[string], { status: string; n: number }>(
      'SELECT status, COUNT(*) AS n FROM webhook_outbox WHERE subscription_id = ? GROUP BY status',
    );
  }

  record(event: ChatEvent): void {
    const subs = this.subscriptions.all();
    if (subs.length === 0) return;
    const envelopes = toEventGrid(event, this.topic, this.threadCreatedOn);
    const now = this.clock();
    let recorded = false;
    for (const sub of subs) {
      for (const env of envelopes) {
        if (sub.eventTypes && !sub.eventTypes.includes(env.eventType)) continue;
        this.insertStmt.run(sub.id, event.threadId, env.id, env.eventType, JSON.stringify(env), now, now);
        recorded = true;
      }
    }
    if (recorded) queueMicrotask(() => this.onRecorded());
  }

  dueHeads(limit: number): OutboxRow[] {
    return this.headsStmt.all(this.clock(), limit).map((r) => ({
      id: r.id,
      subscriptionId: r.subscription_id,
      orderKey: r.order_key,
      eventId: r.event_id,
      envelope: JSON.parse(r.envelope) as EventGridEvent,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
      createdOn: r.created_on,
    }));
  }

  delivered(id: number): void {
    this.deliveredStmt.run(id);
  }

  retryAt(id: number, at: number, error: string): void {
    this.retryStmt.run(at, error.slice(0, 500), id);
  }

  dead(id: number, error: string): void {
    this.deadStmt.run(error.slice(0, 500), id);
  }

  counts(subscriptionId: string): { pending: number; dead: number } {
    const rows = this.countsStmt.all(subscriptionId);
    return {
      pending: rows.find((r) => r.status === 'pending')?.n ?? 0,
      dead: rows.find((r) => r.status === 'dead')?.n ?? 0,
    };
  }
}
