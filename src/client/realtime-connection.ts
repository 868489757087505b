import WebSocket from 'ws';
import type { Dependency } from '../lib/dependency.js';
import type { Logger } from '../lib/logger.js';
import type { TlsTrust } from '../lib/tls-trust.js';
import { describeConnectionError } from './connection-error.js';
import type { TokenManager } from './token-manager.js';

export interface RealtimeFrame {
  type: string;
  payload: Record<string, unknown>;
}

export interface RealtimeConnectionOptions {
  /** The backend's base URL (http(s)); the socket goes to `/notifications` on it (ws(s)). */
  endpoint: string;
  tokens: TokenManager;
  logger: Logger;
  /** Certificates trusted for a wss endpoint beside Node's CAs (parley's own certificate). */
  tls?: TlsTrust;
  onFrame: (frame: RealtimeFrame) => void;
  /** Called after every (re)connect, before frames are handed on, e.g. to catch up. */
  onConnected?: () => Promise<void> | void;
  /** @defaultValue 500 */
  minBackoffMs?: number;
  /** @defaultValue 30000 */
  maxBackoffMs?: number;
  /**
   * Heartbeat assumed until the server announces its own (`heartbeatMs` in the `connected` frame).
   * @defaultValue 30000
   */
  heartbeatMs?: number;
  /** Told whether connecting works, so the chat backend's state includes the WebSocket. */
  health?: Dependency;
}

/** Silence (no frame, no ping, no pong) for this many heartbeats means the connection is dead. */
export const DEAD_AFTER_HEARTBEATS = 2;

/**
 * A long-lived `/notifications` connection: reconnects with jittered exponential backoff until
 * `close()`, and runs `onConnected` after each connect so the owner can catch up what it missed.
 * Liveness: a path that dies without a FIN or RST (a NAT or load balancer dropping its state, the
 * server's host losing power) closes nothing, so the connection watches for silence. It pings the
 * server when nothing came for one heartbeat (the server pings too), and after
 * {@link DEAD_AFTER_HEARTBEATS} heartbeats without any frame, ping or pong it terminates the socket
 * and reconnects.
 */
export class RealtimeConnection {
  private ws?: WebSocket;
  private stopped = false;
  private attempt = 0;
  private retryTimer?: NodeJS.Timeout;
  private closed?: Promise<void>;
  /** Resolves the first time a connection is open (and caught up). */
  readonly ready: Promise<void>;
  private markReady!: () => void;
  connected = false;

  constructor(private readonly options: RealtimeConnectionOptions) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let token: string;
    try {
      token = await this.options.tokens.get();
    } catch (err) {
      this.options.logger.warn({ err }, 'cannot get an access token; retrying');
      return this.retry();
    }
    if (this.stopped) return;
    const url = `${this.options.endpoint.replace(/^http/, 'ws').replace(/\/$/, '')}/notifications`;
    const trust = this.options.tls;
    let heartbeatMs = this.options.heartbeatMs ?? 30_000;
    // A connect that never completes (packets silently dropped) is given up like a silent socket.
    const ws = new WebSocket(url, {
      headers: { authorization: `Bearer ${token}` },
      handshakeTimeout: DEAD_AFTER_HEARTBEATS * heartbeatMs,
      ...(trust ? { ca: trust.ca, allowPartialTrustChain: true } : {}),
    });
    this.ws = ws;
    const buffered: RealtimeFrame[] = [];
    let catchingUp = true;
    let lastHeard = Date.now();
    let watchdog: NodeJS.Timeout | undefined;
    const heard = () => (lastHeard = Date.now());
    const watch = () => {
      const silent = Date.now() - lastHeard;
      if (silent >= DEAD_AFTER_HEARTBEATS * heartbeatMs) {
        this.options.logger.warn({ silentMs: silent, heartbeatMs }, 'realtime connection silent; reconnecting');
        ws.terminate();
        return;
      }
      if (silent >= heartbeatMs) ws.ping();
      watchdog = setTimeout(watch, heartbeatMs / 2);
      watchdog.unref();
    };
    ws.on('ping', heard);
    ws.on('pong', heard);
    ws.on('unexpected-response', (_req, res) => {
      if (res.statusCode === 401) this.options.tokens.invalidate();
      this.options.logger.warn({ status: res.statusCode }, 'realtime connection refused');
      ws.terminate();
    });
    ws.on('open', async () => {
      this.attempt = 0;
      this.connected = true;
      this.options.health?.succeeded();
      heard();
      watch();
      try {
        await this.options.onConnected?.();
      } catch (err) {
        this.options.logger.error({ err }, 'catch-up after connect failed; reconnecting');
        ws.terminate();
        return;
      }
      catchingUp = false;
      for (const f of buffered.splice(0)) this.deliver(f);
      this.markReady();
    });
    ws.on('message', (data) => {
      heard();
      let frame: RealtimeFrame;
      try {
        frame = JSON.parse(data.toString()) as RealtimeFrame;
      } catch {
        return;
      }
      if (frame.type === 'connected' && typeof frame.payload?.heartbeatMs === 'number' && frame.payload.heartbeatMs > 0) {
        heartbeatMs = frame.payload.heartbeatMs;
        clearTimeout(watchdog);
        watch();
      }
      // Frames that arrive while catching up wait, so handlers see history first, then live events.
      if (catchingUp) buffered.push(frame);
      else this.deliver(frame);
    });
    ws.on('error', (err) => {
      if (!this.connected && !this.stopped) this.options.health?.failed(err);
      // A socket that never opened says why (an untrusted certificate, nothing listening): at warn,
      // with the fix. Errors of an open socket end in a reconnect and are routine.
      if (this.connected || ws.readyState === WebSocket.OPEN) return this.options.logger.debug({ err }, 'realtime socket error');
      const described = describeConnectionError(err, this.options.endpoint, { files: trust?.files ?? [] });
      this.options.logger.warn({ code: described.code }, `realtime connection failed: ${described.message}`);
    });
    ws.on('close', (code) => {
      clearTimeout(watchdog);
      this.connected = false;
      if (code === 4001) this.options.tokens.invalidate();
      if (!this.stopped) this.retry();
    });
  }

  private deliver(frame: RealtimeFrame): void {
    try {
      this.options.onFrame(frame);
    } catch (err) {
      this.options.logger.error({ err, type: frame.type }, 'realtime frame handler failed');
    }
  }

  private retry(): void {
    if (this.stopped) return;
    const max = this.options.maxBackoffMs ?? 30_000;
    const base = Math.min(max, (this.options.minBackoffMs ?? 500) * 2 ** this.attempt++);
    const delay = base / 2 + Math.random() * (base / 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, delay);
  }

  /**
   * Skips the rest of a reconnect backoff: the backend is known to answer again (after a long
   * outage the backoff may have grown to its maximum).
   */
  reconnectNow(): void {
    if (this.stopped || !this.retryTimer || this.connected) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.attempt = 0;
    void this.connect();
  }

  /** Drops the current socket (tests: simulate a network cut); it reconnects by itself. */
  drop(): void {
    this.ws?.terminate();
  }

  /** Idempotent; stops reconnecting and closes the socket. */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      this.stopped = true;
      clearTimeout(this.retryTimer);
      const ws = this.ws;
      if (!ws || ws.readyState === WebSocket.CLOSED) return resolve();
      ws.once('close', () => resolve());
      ws.close(1000);
      setTimeout(() => {
        ws.terminate();
        resolve();
      }, 2000).unref();
    });
    return this.closed;
  }
}
