import type { Db } from '../chat/store/db.js';

export interface Subscription {
  id: string;
  name: string;
  endpointUrl: string;
  /** Full Event Grid types (`Microsoft.Communication.…`); null = all. */
  eventTypes: string[] | null;
  secret: string;
  createdOn: number;
}

interface Row {
  id: string;
  name: string;
  endpoint_url: string;
  event_types: string | null;
  secret: string;
  created_on: number;
}

const toSubscription = (r: Row): Subscription => ({
  id: r.id,
  name: r.name,
  endpointUrl: r.endpoint_url,
  eventTypes: r.event_types ? (JSON.parse(r.event_types) as string[]) : null,
  secret: r.secret,
  createdOn: r.created_on,
});

/** Active webhook subscriptions, cached in memory (read on every chat write). */
export class SubscriptionsRepo {
  private cache: Subscription[] | null = null;

  constructor(private readonly db: Db) {}

  all(): Subscription[] {
    this.cache ??= this.db.prepare<[], Row>('SELECT * FROM webhook_subscriptions ORDER BY created_on').all().map(toSubscription);
    return this.cache;
  }

  get(id: string): Subscription | undefined {
    return this.all().find((s) => s.id === id);
  }

  insert(s: Subscription): void {
    this.db
      .prepare('INSERT INTO webhook_subscriptions (id, name, endpoint_url, event_types, secret, created_on) VALUES (?, ?, ?, ?, ?, ?)')
      .run(s.id, s.name, s.endpointUrl, s.eventTypes ? JSON.stringify(s.eventTypes) : null, s.secret, s.createdOn);
    this.cache = null;
  }

  delete(id: string): boolean {
    const changed = this.db.prepare('DELETE FROM webhook_subscriptions WHERE id = ?').run(id).changes > 0;
    this.cache = null;
    return changed;
  }
}
