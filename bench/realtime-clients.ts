import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

/**
 * The benchmark's receiving side, in a worker thread so that 250 clients parsing frames do not share
 * the server's event loop. Every client JSON-parses every frame (what a real client does); when the
 * last of them has a message, the worker reports the time of that last delivery.
 */

/** What the main thread passes in `workerData`. */
export interface ClientsData {
  url: string;
  /** One bearer token per client, or `null` per client for the bare server. */
  tokens: (string | null)[];
  /** `connected` for the hub (its first frame), `open` for the bare server. */
  readyOn: 'connected' | 'open';
}

/** Messages from the worker. */
export type ClientsReport =
  | { event: 'ready' }
  | { event: 'delivered'; tag: number; at: number }
  | { event: 'lost'; code: number }
  | { event: 'closed'; frames: number };

/** Epoch milliseconds with sub-millisecond precision, comparable across threads. */
export const epochNow = (): number => performance.timeOrigin + performance.now();

/** Content of benchmark message `tag`: `bench:<tag>:` and filler. */
export const benchContent = (tag: number, filler: string): string => `bench:${tag}:${filler}`;

function run({ url, tokens, readyOn }: ClientsData): void {
  const port = parentPort!;
  const total = tokens.length;
  const counts = new Map<number, number>();
  let ready = 0;
  let frames = 0;
  const sockets = tokens.map((token) => {
    const ws = new WebSocket(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    const markReady = () => {
      if (++ready === total) port.postMessage({ event: 'ready' } satisfies ClientsReport);
    };
    if (readyOn === 'open') ws.once('open', markReady);
    ws.on('message', (data) => {
      frames++;
      const frame = JSON.parse(data.toString()) as { type: string; payload: { message?: string } };
      if (frame.type === 'connected') return markReady();
      if (frame.type !== 'chatMessageReceived' || !frame.payload.message?.startsWith('bench:')) return;
      const m = frame.payload.message;
      const tag = Number(m.slice(6, m.indexOf(':', 6)));
      const n = (counts.get(tag) ?? 0) + 1;
      if (n < total) return void counts.set(tag, n);
      counts.delete(tag);
      port.postMessage({ event: 'delivered', tag, at: epochNow() } satisfies ClientsReport);
    });
    ws.on('close', (code) => {
      if (code !== 1000 && code !== 1005) port.postMessage({ event: 'lost', code } satisfies ClientsReport);
    });
    ws.on('error', () => {});
    return ws;
  });
  port.on('message', async (cmd: 'close') => {
    if (cmd !== 'close') return;
    await Promise.all(
      sockets.map((ws) => new Promise<void>((resolve) => (ws.readyState === WebSocket.CLOSED ? resolve() : (ws.once('close', () => resolve()), ws.close())))),
    );
    port.postMessage({ event: 'closed', frames } satisfies ClientsReport);
  });
}

if (parentPort && workerData) run(workerData as ClientsData);
