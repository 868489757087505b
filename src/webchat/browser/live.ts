/**
 * The page's connection to `/notifications`: reconnects with jittered backoff after any drop, and
 * treats ~2 heartbeats without a frame as a dead connection (browsers cannot see WebSocket pings,
 * so the page sends `{"type":"ping"}` and the server answers `{"type":"pong"}`).
 */

export interface Frame {
  type: string;
  payload: Record<string, unknown>;
}

/** `crowded`: the identity already holds the server's limit of connections (close code 4029). */
export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'crowded' | 'expired' | 'stopped';

export interface LiveOptions {
  /** `ws(s)://host/notifications` */
  url: string;
  token: () => string;
  onFrame: (frame: Frame) => void;
  /** After every (re)connection, once the server said `connected`: the time to catch up. */
  onConnected: (reconnect: boolean) => void;
  onState: (state: LiveState) => void;
  /** @defaultValue 500 */
  minBackoffMs?: number;
  /** @defaultValue 15000 */
  maxBackoffMs?: number;
}

/** Close codes after which the same token will not do (README, Real-time notifications): expired, revoked. */
const SIGNED_OUT: ReadonlySet<number> = new Set([4001, 4003]);
/** Too many connections for this identity (other tabs): retried, and said, until one closes. */
const CROWDED = 4029;

export class LiveConnection {
  private ws?: WebSocket;
  private attempt = 0;
  private everConnected = false;
  private stopped = false;
  private retryTimer?: number;
  private pingTimer?: number;
  private watchdog?: number;
  private heartbeatMs = 30_000;
  /** The last attempt was refused for too many connections: keep saying so while retrying. */
  private crowded = false;

  constructor(private readonly o: LiveOptions) {}

  start(): void {
    this.open();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    this.ws?.close(1000, 'page closed');
    this.o.onState('stopped');
  }

  private open(): void {
    if (this.stopped) return;
    if (!this.crowded) this.o.onState(this.everConnected ? 'reconnecting' : 'connecting');
    const ws = new WebSocket(`${this.o.url}?access_token=${encodeURIComponent(this.o.token())}`);
    this.ws = ws;
    let opened = false;
    // A handshake or a `connected` frame that never comes counts like a silent connection.
    this.feedWatchdog();
    ws.onmessage = (e) => {
      this.feedWatchdog();
      let frame: Frame;
      try {
        frame = JSON.parse(String(e.data)) as Frame;
      } catch {
        return;
      }
      if (frame.type === 'pong') return;
      if (frame.type === 'connected') {
        opened = true;
        this.crowded = false;
        const hb = Number(frame.payload?.heartbeatMs);
        if (Number.isFinite(hb) && hb >= 1000) this.heartbeatMs = hb;
        this.attempt = 0;
        const reconnect = this.everConnected;
        this.everConnected = true;
        this.startPinging();
        this.o.onState('live');
        this.o.onConnected(reconnect);
        return;
      }
      this.o.onFrame(frame);
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.clearTimers();
      if (this.stopped) return;
      if (SIGNED_OUT.has(e.code)) {
        this.o.onState('expired');
        return;
      }
      this.crowded = e.code === CROWDED;
      if (this.crowded) return this.scheduleRetry(false, 'crowded');
      // A refused upgrade (bad or revoked token) closes before `connected`; the caller checks the token.
      this.scheduleRetry(!opened);
    };
    ws.onerror = () => undefined;
  }

  private scheduleRetry(neverOpened: boolean, state: LiveState = 'reconnecting'): void {
    this.o.onState(state);
    const base = Math.min(this.o.maxBackoffMs ?? 15_000, (this.o.minBackoffMs ?? 500) * 2 ** this.attempt);
    this.attempt += 1;
    const delay = base / 2 + Math.random() * (base / 2) + (neverOpened ? 250 : 0);
    this.retryTimer = window.setTimeout(() => this.open(), delay);
  }

  /** Pings at half the heartbeat; no frame at all for two heartbeats means the path is dead. */
  private startPinging(): void {
    this.pingTimer = window.setInterval(() => {
      if (this.ws?.readyState === WebSocket.OPEN) this.ws.send('{"type":"ping"}');
    }, this.heartbeatMs / 2);
    this.feedWatchdog();
  }

  private feedWatchdog(): void {
    window.clearTimeout(this.watchdog);
    this.watchdog = window.setTimeout(() => {
      const dead = this.ws;
      this.ws = undefined;
      this.clearTimers();
      dead?.close(4000, 'no frame for two heartbeats');
      this.scheduleRetry(false);
    }, this.heartbeatMs * 2);
  }

  private clearTimers(): void {
    window.clearTimeout(this.retryTimer);
    window.clearInterval(this.pingTimer);
    window.clearTimeout(this.watchdog);
  }
}
