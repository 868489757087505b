import { randomBytes, randomUUID } from 'node:crypto';
import { errors } from '../chat/errors.js';
import type { ChatService } from '../chat/service/chat-service.js';
import type { Db } from '../chat/store/db.js';
import { systemClock, type Clock } from '../lib/clock.js';
import { SecretBox } from '../lib/secret-box.js';
import type { Logger } from '../lib/logger.js';
import { WebhookDispatcher, type DispatcherOptions } from './dispatcher.js';
import { WebhookOutbox } from './outbox.js';
import { SubscriptionsRepo, type Subscription } from './subscriptions-repo.js';
import { validateEndpoint } from './validation.js';

export interface WebhooksOptions {
  db: Db;
  chat: ChatService;
  logger: Logger;
  /** Event Grid `topic` of every event (the resource's path). */
  topic: string;
  /** The resource access key (base64): the key that seals webhook secrets at rest is derived from it. */
  accessKey: string;
  clock?: Clock;
  dispatcher?: Omit<DispatcherOptions, 'outbox' | 'subscriptions' | 'logger' | 'clock'>;
}

/** Server events: subscriptions, the durable outbox fed by the chat service, and its dispatcher. */
export class Webhooks {
  readonly subscriptions: SubscriptionsRepo;
  readonly outbox: WebhookOutbox;
  readonly dispatcher: WebhookDispatcher;
  private readonly clock: Clock;

  constructor(private readonly options: WebhooksOptions) {
    this.clock = options.clock ?? systemClock;
    this.subscriptions = new SubscriptionsRepo(options.db, new SecretBox(options.accessKey, 'webhook-secrets'));
    // Read inside the chat write's transaction: a deleted thread is soft-deleted, so its row is still there.
    const createdOn = options.db.prepare<[string], { created_on: number }>('SELECT created_on FROM threads WHERE id = ?');
    this.outbox = new WebhookOutbox(options.db, this.subscriptions, options.topic, this.clock, (id) => createdOn.get(id)?.created_on);
    this.dispatcher = new WebhookDispatcher({
      ...options.dispatcher,
      outbox: this.outbox,
      subscriptions: this.subscriptions,
      logger: options.logger.child({ component: 'webhooks' }),
      clock: this.clock,
      // Deliver only what is on disk.
      durability: { synced: () => options.chat.synced(), durable: () => options.chat.durable() },
    });
    options.chat.addDurableSink(this.outbox);
  }

  start(): void {
    this.dispatcher.start();
  }

  /** Validates the endpoint with the Event Grid handshake, then activates the subscription. */
  async subscribe(input: { name?: string; endpointUrl: string; eventTypes?: string[]; secret?: string }): Promise<Subscription> {
    const failure = await validateEndpoint(input.endpointUrl, this.options.topic, {
      fetch: this.options.dispatcher?.fetch,
    });
    if (failure) throw errors.badRequest(`Webhook validation failed: ${failure}.`);
    const sub: Subscription = {
      id: randomUUID(),
      name: input.name ?? `subscription-${Date.now()}`,
      endpointUrl: input.endpointUrl,
      eventTypes: input.eventTypes ?? null,
      secret: input.secret ?? randomBytes(32).toString('base64url'),
      createdOn: this.clock(),
    };
    this.subscriptions.insert(sub);
    return sub;
  }

  list(): Array<Omit<Subscription, 'secret'> & { pending: number; deadLettered: number }> {
    return this.subscriptions.all().map(({ secret: _secret, ...s }) => {
      const counts = this.outbox.counts(s.id);
      return { ...s, pending: counts.pending, deadLettered: counts.dead };
    });
  }

  remove(id: string): void {
    if (!this.subscriptions.delete(id)) throw errors.notFound(`Subscription '${id}' was not found.`);
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}
