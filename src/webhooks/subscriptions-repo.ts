import type { Db } from '../chat/store/db.js';
import { SecretBox, SecretUnreadableError } from '../lib/secret-box.js';

export interface Subscription {
  id: string;
  name: string;
  endpointUrl: string;
  /** Full Event Grid types (`Microsoft.Communication.…`); null = all. */
  eventTypes: string[] | null;
  /** The signing secret in clear; empty when it could not be unsealed (see `secretProblem`). */
  secret: string;
  /** Why the secret cannot be used (sealed under another access key): deliveries fail with it. */
  secretProblem?: string;
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

/**
 * Active webhook subscriptions, cached in memory (read on every chat write). With a {@link SecretBox}
 * the signing secrets are stored sealed (the dispatcher needs them in clear to sign, so a hash would
 * not do), and secrets stored in clear by older versions are sealed when the repository opens.
 */
export class SubscriptionsRepo {
  private cache: Subscription[] | null = null;

  constructor(
    private readonly db: Db,
    private readonly box?: SecretBox,
  ) {
    if (box) this.sealStoredSecrets(box);
  }

  all(): Subscription[] {
    this.cache ??= this.db.prepare<[], Row>('SELECT * FROM webhook_subscriptions ORDER BY created_on').all().map((r) => this.toSubscription(r));
    return this.cache;
  }

  get(id: string): Subscription | undefined {
    return this.all().find((s) => s.id === id);
  }

  insert(s: Subscription): void {
    this.db
      .prepare('INSERT INTO webhook_subscriptions (id, name, endpoint_url, event_types, secret, created_on) VALUES (?, ?, ?, ?, ?, ?)')
      .run(s.id, s.name, s.endpointUrl, s.eventTypes ? JSON.stringify(s.eventTypes) : null, this.box ? this.box.seal(s.secret) : s.secret, s.createdOn);
    this.cache = null;
  }

  delete(id: string): boolean {
    const changed = this.db.prepare('DELETE FROM webhook_subscriptions WHERE id = ?').run(id).changes > 0;
    this.cache = null;
    return changed;
  }

  private sealStoredSecrets(box: SecretBox): void {
    const clear = this.db.prepare<[], { id: string; secret: string }>('SELECT id, secret FROM webhook_subscriptions').all().filter((r) => !SecretBox.isSealed(r.secret));
    if (!clear.length) return;
    const update = this.db.prepare('UPDATE webhook_subscriptions SET secret = ? WHERE id = ?');
    this.db.transaction(() => clear.forEach((r) => update.run(box.seal(r.secret), r.id)))();
  }

  private toSubscription(r: Row): Subscription {
    let secret = r.secret;
    let secretProblem: string | undefined;
    if (this.box) {
      try {
        secret = this.box.open(r.secret);
      } catch (err) {
        if (!(err instanceof SecretUnreadableError)) throw err;
        secret = '';
        secretProblem = `the subscription's secret cannot be read (${err.message}); delete the subscription and register it again`;
      }
    }
    return {
      id: r.id,
      name: r.name,
      endpointUrl: r.endpoint_url,
      eventTypes: r.event_types ? (JSON.parse(r.event_types) as string[]) : null,
      secret,
      ...(secretProblem ? { secretProblem } : {}),
      createdOn: r.created_on,
    };
  }
}
