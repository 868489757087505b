import WebSocket, { type ClientOptions } from 'ws';
import type { ChatBackend } from '../../src/chat/chat-backend.js';

/** A `/notifications` frame as a test reads it. */
export interface Frame {
  type: string;
  /** `any`: tests read payload fields freely and check them with `expect`. */
  payload: Record<string, any>;
}

export type FramePredicate = (frame: Frame) => boolean;

interface Waiter {
  pred: FramePredicate;
  wanted: number;
  seen: number;
  resolve: (frame: Frame) => void;
}

/** The `ws://…/notifications` URL of a backend. */
export const notificationsUrl = (backend: ChatBackend, query = ''): string =>
  `${backend.url.replace(/^http/, 'ws')}/notifications${query}`;

/**
 * A real `ws` client that keeps every frame it receives and lets a test await frames by predicate.
 * Every wait has a timeout that fails the test, so tests never synchronise with sleeps.
 */
export class FrameCollector {
  readonly frames: Frame[] = [];
  /** Resolves with the close code and reason once the socket is closed (by either side). */
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiters = new Set<Waiter>();

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.receive(JSON.parse(data.toString()) as Frame));
    // A terminated socket may report ECONNRESET; the close event is what tests look at.
    ws.on('error', () => {});
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** Frames of one type, in arrival order. */
  ofType(type: string): Frame[] {
    return this.frames.filter((f) => f.type === type);
  }

  /** Frame types in arrival order (handy for exact-sequence assertions). */
  get types(): string[] {
    return this.frames.map((f) => f.type);
  }

  /**
   * Resolves with the `count`-th frame (counting frames already received) that matches `pred`;
   * rejects after `timeoutMs` with the frames seen so far.
   */
  waitFor(pred: FramePredicate, { count = 1, timeoutMs = 5000, label = 'frame' } = {}): Promise<Frame> {
    const matches = this.frames.filter(pred);
    if (matches.length >= count) return Promise.resolve(matches[count - 1]!);
    return new Promise<Frame>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const recent = this.types.slice(-10).join(', ');
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${label} (#${count}); ${this.frames.length} frames, last: ${recent}`));
      }, timeoutMs);
      const waiter: Waiter = {
        pred,
        wanted: count,
        seen: matches.length,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** Waits for a frame of `type` whose payload matches `where` (shallow equality of the given fields). */
  waitForType(type: string, where: Record<string, unknown> = {}, options: { count?: number; timeoutMs?: number } = {}): Promise<Frame> {
    const pred: FramePredicate = (f) => f.type === type && Object.entries(where).every(([k, v]) => f.payload[k] === v);
    return this.waitFor(pred, { ...options, label: `${type} ${JSON.stringify(where)}` });
  }

  /**
   * Waits for a marker frame and returns the frames that arrived before it (after index `from`).
   * How tests assert that something did NOT arrive: send a later event the client does receive.
   */
  async framesBefore(marker: FramePredicate, from = 0): Promise<Frame[]> {
    const m = await this.waitFor(marker, { label: 'marker' });
    return this.frames.slice(from, this.frames.indexOf(m));
  }

  /** Closes from the client side and waits for the close to complete. */
  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close();
    await this.closed;
  }

  private receive(frame: Frame): void {
    this.frames.push(frame);
    for (const w of this.waiters) {
      if (!w.pred(frame) || ++w.seen < w.wanted) continue;
      this.waiters.delete(w);
      w.resolve(frame);
    }
  }
}

/** Connects a user with a fresh `chat` token and resolves once the `connected` frame arrived. */
export async function connectUser(backend: ChatBackend, userId: string, options: ClientOptions = {}): Promise<FrameCollector> {
  const { token } = await backend.identity.issueToken(userId, ['chat']);
  return connectWithToken(backend, token, options);
}

/** Connects with a bearer token in the `Authorization` header; resolves after the `connected` frame. */
export async function connectWithToken(backend: ChatBackend, token: string, options: ClientOptions = {}): Promise<FrameCollector> {
  const ws = new WebSocket(notificationsUrl(backend), { ...options, headers: { authorization: `Bearer ${token}`, ...options.headers } });
  const client = new FrameCollector(ws);
  const failed = new Promise<never>((_, reject) => {
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  await Promise.race([client.waitForType('connected'), failed]);
  return client;
}

/** Attempts an upgrade that should be refused; resolves with the HTTP status and JSON body. */
export function refusedUpgrade(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const ws = new WebSocket(url, { headers });
  ws.on('error', () => {});
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body ? JSON.parse(body) : undefined }));
    });
  });
}
