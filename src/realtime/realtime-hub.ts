import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { ChatEvent } from '../chat/events.js';
import { ApiError } from '../chat/errors.js';
import { requireChatGrant } from '../chat/auth/scopes.js';
import type { AccessEnded, Authenticated, IdentityService } from '../chat/service/identity-service.js';
import type { EventBus } from '../lib/event-bus.js';
import { systemClock, type Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { CLOSE } from './close-codes.js';
import { encodeFrames, type Frame } from './frames.js';

export interface RealtimeHubOptions {
  identity: IdentityService;
  events: EventBus<ChatEvent>;
  logger: Logger;
  /** @defaultValue '/notifications' */
  path?: string;
  /** Ping interval; a connection without a pong for one interval is closed. @defaultValue 30000 */
  heartbeatMs?: number;
  /** Bytes a connection may have waiting to be written before it is closed as a slow consumer. @defaultValue 4 MiB */
  maxBufferedBytes?: number;
  /** For the token-expiry timer. @defaultValue the system clock */
  clock?: Clock;
  /**
   * Open connections one identity may hold; one more is closed with 4029 right after the upgrade.
   * @defaultValue 20
   */
  maxConnectionsPerUser?: number;
}

interface Client {
  ws: WebSocket;
  userId: string;
  /** Token generation the connection was authenticated with (revocation bumps it). */
  generation: number;
  alive: boolean;
  expiryTimer?: NodeJS.Timeout;
}

/**
 * The `/notifications` WebSocket endpoint: authenticates the upgrade with an access token (header
 * or `access_token` query parameter), then pushes every event of every thread its user is in.
 */
export class RealtimeHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly byUser = new Map<string, Set<Client>>();
  private readonly path: string;
  private readonly heartbeatMs: number;
  private readonly maxBufferedBytes: number;
  private readonly maxPerUser: number;
  private readonly log: Logger;
  private readonly unsubscribe: () => void;
  private readonly unsubscribeAccess: () => void;
  private heartbeat?: NodeJS.Timeout;
  private closing?: Promise<void>;
  /** Frames sent since start (for metrics). */
  sent = 0;

  constructor(private readonly options: RealtimeHubOptions) {
    this.path = options.path ?? '/notifications';
    this.heartbeatMs = options.heartbeatMs ?? 30_000;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;
    this.maxPerUser = options.maxConnectionsPerUser ?? 20;
    this.log = options.logger.child({ component: 'realtime' });
    this.unsubscribe = options.events.subscribe((event) => this.dispatch(event));
    this.unsubscribeAccess = options.identity.accessEnded.subscribe((change) => this.endAccess(change));
  }

  /** Number of open connections. */
  get connections(): number {
    let n = 0;
    for (const set of this.byUser.values()) n += set.size;
    return n;
  }

  attach(server: Server): void {
    server.on('upgrade', (req, socket, head) => void this.upgrade(req, socket, head));
    this.heartbeat = setInterval(() => this.beat(), this.heartbeatMs);
    this.heartbeat.unref();
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== this.path) return refuse(socket, 404, 'NotFound', `No WebSocket endpoint at ${url.pathname}.`);
    const header = req.headers.authorization ?? (url.searchParams.get('access_token') ? `Bearer ${url.searchParams.get('access_token')}` : undefined);
    let auth: Authenticated;
    try {
      auth = await this.options.identity.authenticate(header);
      // Any chat scope may listen (chat.join and chat.join.limited too); none is 403, as on REST.
      requireChatGrant(auth.scopes);
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(401, 'Unauthorized', 'Request is not authorized.');
      return refuse(socket, e.status, e.code, e.message);
    }
    if (this.closing) return refuse(socket, 503, 'ServiceUnavailable', 'The server is shutting down.');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.register(ws, auth));
  }

  private register(ws: WebSocket, auth: Authenticated): void {
    const { userId, generation, expiresAt } = auth;
    // Revoked or deleted while the token was being checked: the revocation did not see this socket.
    if (!this.options.identity.isCurrent(userId, generation)) return ws.close(CLOSE.accessRevoked, 'access token revoked');
    let set = this.byUser.get(userId);
    // A close code rather than an HTTP refusal: browsers never see the status of a refused upgrade
    // (only a 1006 close), but they do see this code and reason.
    if (openCount(set) >= this.maxPerUser) {
      this.log.warn({ userId, limit: this.maxPerUser }, 'refusing a WebSocket over the per-user limit');
      return ws.close(CLOSE.tooManyConnections, `too many connections for this user (limit ${this.maxPerUser})`);
    }
    const client: Client = { ws, userId, generation, alive: true };
    if (!set) this.byUser.set(userId, (set = new Set()));
    set.add(client);
    const untilExpiry = expiresAt - (this.options.clock ?? systemClock)();
    client.expiryTimer = setTimeout(() => ws.close(CLOSE.tokenExpired, 'access token expired'), Math.min(Math.max(untilExpiry, 0), 2 ** 31 - 1));
    ws.on('pong', () => (client.alive = true));
    ws.on('message', (data) => this.onClientMessage(client, data.toString()));
    ws.on('error', (err) => this.log.debug({ err }, 'websocket error'));
    ws.on('close', () => {
      clearTimeout(client.expiryTimer);
      set.delete(client);
      if (set.size === 0 && this.byUser.get(userId) === set) this.byUser.delete(userId);
    });
    this.send(client, {
      type: 'connected',
      payload: { userId, serverTime: new Date().toISOString(), heartbeatMs: this.heartbeatMs },
    });
  }

  /** Closes the user's connections whose token was revoked (all of them when the user was deleted). */
  private endAccess({ userId, reason }: AccessEnded): void {
    const clients = this.byUser.get(userId);
    if (!clients) return;
    for (const client of clients) {
      if (this.options.identity.isCurrent(userId, client.generation)) continue;
      // Not deleted from the set here: the close handler does it once the close completes, and
      // dispatch skips sockets that are no longer OPEN meanwhile.
      client.ws.close(CLOSE.accessRevoked, reason === 'deleted' ? 'identity deleted' : 'access token revoked');
      setTimeout(() => client.ws.terminate(), 1000).unref();
    }
  }

  /** Clients may send `{"type":"ping"}` (browsers cannot see protocol pings); anything else is ignored. */
  private onClientMessage(client: Client, text: string): void {
    client.alive = true;
    try {
      const msg = JSON.parse(text) as { type?: unknown };
      if (msg.type === 'ping') this.send(client, { type: 'pong', payload: { serverTime: new Date().toISOString() } });
    } catch {
      // Not JSON: ignored.
    }
  }

  private dispatch(event: ChatEvent): void {
    let encode: ((recipient: string) => string | null) | undefined;
    for (const recipient of event.recipients) {
      const clients = this.byUser.get(recipient);
      if (!clients) continue;
      // Serialised once per event, and only if someone is connected to hear it.
      encode ??= encodeFrames(event);
      const data = encode(recipient);
      if (data === null) continue;
      for (const client of clients) this.sendText(client, data);
    }
  }

  private send(client: Client, frame: Frame): void {
    this.sendText(client, JSON.stringify(frame));
  }

  private sendText(client: Client, data: string): void {
    if (client.ws.readyState !== WebSocket.OPEN) return;
    if (client.ws.bufferedAmount + data.length > this.maxBufferedBytes) {
      this.log.warn({ userId: client.userId, buffered: client.ws.bufferedAmount }, 'closing slow consumer');
      client.ws.close(CLOSE.slowConsumer, 'slow consumer: send buffer full');
      // The close frame waits behind the unread data; don't let a stuck peer hold the memory.
      setTimeout(() => client.ws.terminate(), 1000).unref();
      return;
    }
    client.ws.send(data);
    this.sent++;
  }

  private beat(): void {
    for (const set of this.byUser.values()) {
      for (const client of set) {
        if (!client.alive) {
          client.ws.terminate();
          continue;
        }
        client.alive = false;
        client.ws.ping();
      }
    }
  }

  /** Idempotent: closes every socket with 1001, waiting up to `graceMs` for clean closes. */
  close(graceMs = 2000): Promise<void> {
    this.closing ??= (async () => {
      this.unsubscribe();
      this.unsubscribeAccess();
      clearInterval(this.heartbeat);
      const all = [...this.byUser.values()].flatMap((set) => [...set]);
      await Promise.all(
        all.map(
          (client) =>
            new Promise<void>((resolve) => {
              if (client.ws.readyState === WebSocket.CLOSED) return resolve();
              const timer = setTimeout(() => {
                client.ws.terminate();
                resolve();
              }, graceMs);
              client.ws.once('close', () => {
                clearTimeout(timer);
                resolve();
              });
              client.ws.close(CLOSE.goingAway, 'server shutting down');
            }),
        ),
      );
      await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    })();
    return this.closing;
  }
}

/** Connections still open (one closing after a revocation no longer counts against the limit). */
function openCount(clients: Set<Client> | undefined): number {
  let n = 0;
  for (const c of clients ?? []) if (c.ws.readyState === WebSocket.OPEN) n++;
  return n;
}

function refuse(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  const reason = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' }[status] ?? 'Error';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
