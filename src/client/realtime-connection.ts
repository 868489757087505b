import WebSocket from 'ws';
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
}

/**
 * A long-lived `/notifications` connection: reconnects with jittered exponential backoff until
 * `close()`, and runs `onConnected` after each connect so the owner can catch up what it missed.
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
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` }, ...(trust ? { ca: trust.ca, allowPartialTrustChain: true } : {}) });
    this.ws = ws;
    const buffered: RealtimeFrame[] = [];
    let catchingUp = true;
    ws.on('unexpected-response', (_req, res) => {
      if (res.statusCode === 401) this.options.tokens.invalidate();
      this.options.logger.warn({ status: res.statusCode }, 'realtime connection refused');
      ws.terminate();
    });
    ws.on('open', async () => {
      this.attempt = 0;
      this.connected = true;
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
      let frame: RealtimeFrame;
      try {
        frame = JSON.parse(data.toString()) as RealtimeFrame;
      } catch {
        return;
      }
      // Frames that arrive while catching up wait, so handlers see history first, then live events.
      if (catchingUp) buffered.push(frame);
      else this.deliver(frame);
    });
    ws.on('error', (err) => {
      // A socket that never opened says why (an untrusted certificate, nothing listening): at warn,
      // with the fix. Errors of an open socket end in a reconnect and are routine.
      if (this.connected || ws.readyState === WebSocket.OPEN) return this.options.logger.debug({ err }, 'realtime socket error');
      const described = describeConnectionError(err, this.options.endpoint, { files: trust?.files ?? [] });
      this.options.logger.warn({ code: described.code }, `realtime connection failed: ${described.message}`);
    });
    ws.on('close', (code) => {
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
    this.retryTimer = setTimeout(() => void this.connect(), delay);
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
