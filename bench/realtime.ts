/**
 * Real-time fan-out benchmark (`npm run bench:realtime`): one thread with 250 participants, each with
 * its own `/notifications` connection, against a bare `ws` broadcast of the same payloads.
 *
 * - Latency: from the moment `chat.sendMessage` is called in-process (so it includes the SQLite
 *   write and the participant lookup) to the LAST of the 250 deliveries, one message at a time.
 *   The bare baseline times `JSON.stringify` + `for (c of clients) c.send(json)` the same way.
 * - Throughput: messages per second one thread sustains with every client receiving every message,
 *   with at most `WINDOW` messages not yet delivered to all.
 *
 * The server runs on the main thread, the 250 clients in a worker thread (the machine's other core),
 * all on 127.0.0.1. Rate limits are off. Bounded: a watchdog exits after 110 s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { WebSocketServer, type WebSocket } from 'ws';
import { ChatBackend } from '../src/chat/chat-backend.js';
import type { ChatEvent } from '../src/chat/events.js';
import { loadConfig } from '../src/config/load-config.js';
import { createLogger } from '../src/lib/logger.js';
import { frameFor } from '../src/realtime/frames.js';
import { benchContent, epochNow, type ClientsData, type ClientsReport } from './realtime-clients.js';

const PARTICIPANTS = 250;
const WARMUP = 30;
const LATENCY_MESSAGES = 200;
const THROUGHPUT_MS = 4_000;
const THROUGHPUT_ROUNDS = 4;
const WINDOW = 32;
/** A chat-sized message body (~160 characters). */
const FILLER = 'the quick brown fox jumps over the lazy dog; '.repeat(4).trim();

const watchdog = setTimeout(() => {
  console.error('bench:realtime did not finish in 110 s');
  process.exit(1);
}, 110_000);
watchdog.unref();

/** A target the benchmark can drive: send message `tag` now. */
interface Target {
  name: string;
  url: string;
  tokens: (string | null)[];
  readyOn: ClientsData['readyOn'];
  send(tag: number): void;
  close(): Promise<void>;
}

/** A worker running a TypeScript module: `--import tsx` does not reach worker entry points on Node 20. */
function tsWorker(module: URL, workerData: unknown): Worker {
  const api = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const code = `import(${api}).then((tsx) => tsx.tsImport(${JSON.stringify(module.href)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(code, { eval: true, workerData });
}

/** One target and its 250 clients (in a worker): sends tagged messages and awaits their last delivery. */
class Fleet {
  private readonly waiting = new Map<number, (at: number) => void>();
  private nextTag = 0;
  readonly latencies: number[] = [];
  readonly sendCalls: number[] = [];
  completed = 0;
  busyMs = 0;

  private constructor(
    readonly target: Target,
    private readonly worker: Worker,
  ) {
    worker.on('message', (r: ClientsReport) => {
      if (r.event === 'delivered') this.waiting.get(r.tag)?.(r.at);
      if (r.event === 'lost') {
        console.error(`${target.name}: a client was closed with ${r.code}`);
        process.exit(1);
      }
    });
    worker.on('error', (err) => {
      console.error(err);
      process.exit(1);
    });
  }

  static async start(target: Target): Promise<Fleet> {
    const data: ClientsData = { url: target.url, tokens: target.tokens, readyOn: target.readyOn };
    const worker = tsWorker(new URL('./realtime-clients.ts', import.meta.url), data);
    await new Promise<void>((resolve) => worker.on('message', (r: ClientsReport) => r.event === 'ready' && resolve()));
    return new Fleet(target, worker);
  }

  /** Sends one message and resolves once all clients have it; records the latency unless warming up. */
  async sample(record: boolean): Promise<void> {
    const tag = this.nextTag++;
    const done = this.delivered(tag);
    const t0 = epochNow();
    this.target.send(tag);
    const t1 = epochNow();
    const at = await done;
    if (!record) return;
    this.latencies.push(at - t0);
    this.sendCalls.push(t1 - t0);
  }

  /** Keeps `WINDOW` messages in flight for `ms`; counts those every client received. */
  async slice(ms: number): Promise<void> {
    const start = epochNow();
    await new Promise<void>((resolve) => {
      let inFlight = 0;
      const pump = () => {
        while (inFlight < WINDOW && epochNow() - start < ms) {
          inFlight++;
          const tag = this.nextTag++;
          void this.delivered(tag).then(() => {
            inFlight--;
            this.completed++;
            if (inFlight === 0 && epochNow() - start >= ms) resolve();
            else pump();
          });
          this.target.send(tag);
        }
      };
      pump();
    });
    this.busyMs += epochNow() - start;
  }

  result(): Result {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const calls = [...this.sendCalls].sort((a, b) => a - b);
    return {
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.at(-1)!,
      sendCallP50: percentile(calls, 50),
      msgsPerSec: this.completed / (this.busyMs / 1000),
    };
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.worker.on('message', (r: ClientsReport) => r.event === 'closed' && resolve()));
    this.worker.postMessage('close');
    await closed;
    await this.worker.terminate();
    await this.target.close();
  }

  private delivered(tag: number): Promise<number> {
    return new Promise((resolve) =>
      this.waiting.set(tag, (at) => {
        this.waiting.delete(tag);
        resolve(at);
      }),
    );
  }
}

interface Result {
  p50: number;
  p99: number;
  max: number;
  /** Median duration of the synchronous send call itself. */
  sendCallP50: number;
  msgsPerSec: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** The parley backend: a real ChatBackend on 127.0.0.1:0 and one 250-participant thread. */
async function hubTarget(): Promise<{ target: Target; persistenceOnly(n: number): number }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
  const config = loadConfig({ PARLEY_HOST: '127.0.0.1', PARLEY_PORT: '0', PARLEY_DATA_DIR: dataDir, PARLEY_RATE_LIMITS: 'off' });
  const backend = await new ChatBackend({ config, logger: createLogger('silent') }).start();
  const bigThread = (users: string[]) => {
    const [owner, ...rest] = users as [string, ...string[]];
    const { thread } = backend.chat.createThread(owner, { topic: 'bench', participants: rest.slice(0, 199).map((rawId) => ({ rawId })) });
    backend.chat.addParticipants(owner, thread.id, rest.slice(199).map((rawId) => ({ rawId })));
    return { owner, threadId: thread.id };
  };
  const newUsers = () => Array.from({ length: PARTICIPANTS }, () => backend.identity.createUser());
  const users = newUsers();
  const watched = bigThread(users);
  // Same size, nobody connected: what sendMessage costs before any fan-out.
  const unwatched = bigThread(newUsers());
  const tokens = await Promise.all(users.map(async (u) => (await backend.identity.issueToken(u, ['chat'])).token));
  const send = (t: { owner: string; threadId: string }, tag: number) =>
    backend.chat.sendMessage(t.owner, t.threadId, { content: benchContent(tag, FILLER), type: 'text' });
  return {
    target: {
      name: 'parley hub',
      url: `${backend.url.replace(/^http/, 'ws')}/notifications`,
      tokens,
      readyOn: 'connected',
      send: (tag) => void send(watched, tag),
      close: async () => {
        await backend.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    },
    persistenceOnly: (n) => {
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = epochNow();
        send(unwatched, i);
        times.push(epochNow() - t0);
      }
      return percentile(times.sort((a, b) => a - b), 50);
    },
  };
}

/** A bare `ws` server broadcasting the same frame (as the hub would build it) to every client. */
async function bareTarget(): Promise<Target> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const clients = new Set<WebSocket>();
  wss.on('connection', (ws) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
  });
  const port = (wss.address() as { port: number }).port;
  const owner = '8:acs:bench_00000000-0000-0000-0000-000000000000';
  const template = (tag: number): ChatEvent => {
    const now = Date.now();
    return {
      type: 'chatMessageReceived',
      threadId: '19:benchbenchbenchbenchbenchbenchbe@thread.v2',
      message: {
        threadId: '19:benchbenchbenchbenchbenchbenchbe@thread.v2',
        id: String(now),
        seq: tag + 3,
        type: 'text',
        senderId: owner,
        senderDisplayName: '',
        content: { message: benchContent(tag, FILLER) },
        metadata: null,
        createdOn: now,
        editedOn: null,
        deletedOn: null,
        version: String(now),
      },
      recipients: [],
    };
  };
  return {
    name: 'bare ws',
    url: `ws://127.0.0.1:${port}/`,
    tokens: Array.from({ length: PARTICIPANTS }, () => null),
    readyOn: 'open',
    send: (tag) => {
      const json = JSON.stringify(frameFor(template(tag), owner));
      for (const c of clients) c.send(json);
    },
    close: async () => {
      for (const c of clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

const ms = (x: number) => `${x.toFixed(2)} ms`;
const line = (name: string, r: Result) =>
  `${name.padEnd(11)} p50 ${ms(r.p50).padStart(9)}  p99 ${ms(r.p99).padStart(9)}  max ${ms(r.max).padStart(9)}  send call p50 ${ms(r.sendCallP50).padStart(8)}  ${Math.round(r.msgsPerSec).toString().padStart(5)} msgs/s`;

const started = Date.now();
const hubParts = await hubTarget();
const fleets = [await Fleet.start(await bareTarget()), await Fleet.start(hubParts.target)] as const;
// The machine is shared: alternate the two targets sample by sample so both see the same load.
for (let i = 0; i < WARMUP + LATENCY_MESSAGES; i++) {
  const order = i % 2 ? [fleets[1], fleets[0]] : fleets;
  for (const f of order) await f.sample(i >= WARMUP);
}
for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
  for (const f of fleets) await f.slice(THROUGHPUT_MS / THROUGHPUT_ROUNDS);
}
const persistence = hubParts.persistenceOnly(100);
await Promise.all(fleets.map((f) => f.close()));

const [bare, hub] = fleets.map((f) => f.result()) as [Result, Result];
console.log(
  `one thread, ${PARTICIPANTS} participants, one connection each; latency = from the in-process send call ` +
    `(chat.sendMessage / JSON.stringify + send loop) to the LAST delivery; ${LATENCY_MESSAGES} messages each, interleaved`,
);
console.log(line('bare ws', bare));
console.log(line('parley hub', hub));
console.log(`  of which persistence (sendMessage with no one connected: SQLite commit + participant lookup): p50 ${ms(persistence)}`);
console.log(
  `ratio hub/bare: p50 ${(hub.p50 / bare.p50).toFixed(2)}×  p99 ${(hub.p99 / bare.p99).toFixed(2)}× (target ≤ 2×)  ` +
    `throughput ${(hub.msgsPerSec / bare.msgsPerSec).toFixed(2)}×`,
);
console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
