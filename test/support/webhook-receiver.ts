import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { EventGridEvent } from '../../src/webhooks/envelopes.js';
import { adminFetch } from './admin-client.js';

/** How the receiver answers the subscription-validation handshake. */
export type HandshakeMode = 'echo' | 'wrong-code' | 'status-500' | 'status-202';

/** One notification POST as it arrived, whatever the receiver answered. */
export interface DeliveryAttempt {
  headers: http.IncomingHttpHeaders;
  /** The raw body, exactly as signed. */
  body: string;
  /** The single event of the body (the dispatcher sends one per request). */
  event: EventGridEvent;
  /** `aeg-delivery-count` as a number. */
  deliveryCount: number;
  /** The HTTP status the receiver answered; 0 = never answered. */
  status: number;
  /** Whether the receiver counted the event as processed (2xx, or a 500 after processing). */
  processed: boolean;
}

export interface FailOptions {
  /** How many notifications to fail; omitted = until `recover()`. */
  times?: number;
  /** @defaultValue 500 */
  status?: number;
  /** Record the event as processed, then answer `status` anyway (a receiver crashing after its work). */
  afterProcessing?: boolean;
  /** Never answer (a receiver that accepts connections but hangs); recorded with status 0. */
  hang?: boolean;
}

/** A local Event Grid webhook receiver on 127.0.0.1, port 0, for delivery tests. */
export interface WebhookReceiver {
  /** The endpoint URL to subscribe (stable across `down()`/`up()`). */
  readonly url: string;
  /** Every notification attempt in arrival order, failed ones included. */
  readonly attempts: DeliveryAttempt[];
  /** Processed events in arrival order (duplicates kept: at-least-once). */
  readonly events: EventGridEvent[];
  /** Validation handshakes received (their events). */
  readonly handshakes: EventGridEvent[];
  handshake: HandshakeMode;
  /** Answers notifications with an error (see {@link FailOptions}). */
  fail(options?: FailOptions): void;
  /** Answers 200 again. */
  recover(): void;
  /** Closes the server and its connections: deliveries get "connection refused". */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /** Resolves once `n` processed events match `filter`; rejects after `timeoutMs` listing what came. */
  waitForEvents(n: number, filter?: (e: EventGridEvent) => boolean, timeoutMs?: number): Promise<EventGridEvent[]>;
  /** Resolves once `n` notification attempts (any answer) arrived. */
  waitForAttempts(n: number, timeoutMs?: number): Promise<DeliveryAttempt[]>;
  close(): Promise<void>;
}

interface Waiter {
  done: () => boolean;
  resolve: () => void;
}

/** Starts a receiver that answers the handshake, records deliveries and can fail on demand. */
export async function startWebhookReceiver(options: { handshake?: HandshakeMode } = {}): Promise<WebhookReceiver> {
  const attempts: DeliveryAttempt[] = [];
  const events: EventGridEvent[] = [];
  const handshakes: EventGridEvent[] = [];
  const sockets = new Set<Socket>();
  let waiters: Waiter[] = [];
  let failing: (Required<Omit<FailOptions, 'times'>> & { remaining: number }) | null = null;

  const notify = () => {
    waiters = waiters.filter((w) => {
      if (!w.done()) return true;
      w.resolve();
      return false;
    });
  };

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const [event] = JSON.parse(body) as [EventGridEvent];
      if (req.headers['aeg-event-type'] === 'SubscriptionValidation') {
        handshakes.push(event);
        answerHandshake(receiver.handshake, event, res);
        return;
      }
      let status = 200;
      let processed = true;
      if (failing) {
        status = failing.hang ? 0 : failing.status;
        processed = failing.afterProcessing;
        if (--failing.remaining === 0) failing = null;
      }
      attempts.push({ headers: req.headers, body, event, deliveryCount: Number(req.headers['aeg-delivery-count']), status, processed });
      if (processed) events.push(event);
      if (status) res.writeHead(status).end();
      notify();
    });
  };

  const server = http.createServer(onRequest);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await listen(server, 0);
  const port = (server.address() as AddressInfo).port;

  const wait = (done: () => boolean, timeoutMs: number, describe: () => string) =>
    new Promise<void>((resolve, reject) => {
      if (done()) return resolve();
      const timer = setTimeout(() => {
        waiters = waiters.filter((w) => w !== waiter);
        reject(new Error(`webhook receiver: timed out after ${timeoutMs} ms; ${describe()}`));
      }, timeoutMs);
      const waiter: Waiter = { done, resolve: () => (clearTimeout(timer), resolve()) };
      waiters.push(waiter);
    });

  const receiver: WebhookReceiver = {
    url: `http://127.0.0.1:${port}/events`,
    attempts,
    events,
    handshakes,
    handshake: options.handshake ?? 'echo',
    fail: ({ times, status = 500, afterProcessing = false, hang = false } = {}) => {
      failing = { status, afterProcessing, hang, remaining: times ?? Infinity };
    },
    recover: () => {
      failing = null;
    },
    down: async () => {
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of sockets) s.destroy();
      await closed;
    },
    up: () => listen(server, port),
    async waitForEvents(n, filter = () => true, timeoutMs = 10_000) {
      const matching = () => events.filter(filter);
      await wait(() => matching().length >= n, timeoutMs, () => `${matching().length}/${n} events: ${events.map((e) => e.eventType).join(', ')}`);
      return matching();
    },
    async waitForAttempts(n, timeoutMs = 10_000) {
      await wait(() => attempts.length >= n, timeoutMs, () => `${attempts.length}/${n} attempts`);
      return attempts;
    },
    close: async () => {
      if (server.listening) await receiver.down();
    },
  };
  return receiver;
}

function answerHandshake(mode: HandshakeMode, event: EventGridEvent, res: http.ServerResponse): void {
  const code = (event.data as { validationCode?: string }).validationCode;
  if (mode === 'status-500') return void res.writeHead(500).end();
  const validationResponse = mode === 'wrong-code' ? 'not-the-code' : code;
  res.writeHead(mode === 'status-202' ? 202 : 200, { 'content-type': 'application/json' }).end(JSON.stringify({ validationResponse }));
}

function listen(server: http.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The admin API's answer to a created subscription (the secret is shown only here). */
export interface CreatedSubscription {
  id: string;
  name: string;
  endpointUrl: string;
  eventTypes: string[] | null;
  secret: string;
  createdOn: string;
}

/** Subscribes `endpointUrl` through the HMAC-signed admin API; throws unless 201. */
export async function subscribeWebhook(
  backend: { url: string; accessKey: string },
  body: { endpointUrl: string; name?: string; includedEventTypes?: string[]; secret?: string },
): Promise<CreatedSubscription> {
  const res = await adminFetch(backend.url, backend.accessKey, 'POST', '/admin/eventSubscriptions', body);
  if (res.status !== 201) throw new Error(`subscribe answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as CreatedSubscription;
}
