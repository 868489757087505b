import type { Redis } from 'ioredis';
import type { RedisKeys } from './redis-keys.js';

export type Counter =
  | 'processed'
  | 'posted'
  | 'skipped'
  | 'failed'
  | 'modelCalls'
  | 'modelCharacters'
  | 'modelInputTokens'
  | 'modelOutputTokens'
  | 'cacheHits'
  | 'cacheMisses'
  | 'rateLimited'
  | 'untranslated';

const SAMPLES = 2000;

export type LatencyKind = 'e2e' | 'processing' | 'model';

/** Where a job reports what it did: a {@link StatsBatch} (written once, at the end) or BotStats. */
export interface StatsSink {
  incr(counts: Partial<Record<Counter, number>>): unknown;
  latency(kind: LatencyKind, ms: number): unknown;
}

/**
 * The counters and latency samples of one job, kept in memory and written in one round trip by
 * `flush()`, instead of one per update on the job's critical path.
 */
export class StatsBatch implements StatsSink {
  private readonly counts: Partial<Record<Counter, number>> = {};
  private readonly samples: Array<{ kind: LatencyKind; ms: number; at: number }> = [];

  constructor(
    private readonly stats: BotStats,
    private readonly clock: () => number = Date.now,
  ) {}

  incr(counts: Partial<Record<Counter, number>>): void {
    for (const [k, v] of Object.entries(counts) as Array<[Counter, number]>) if (v) this.counts[k] = (this.counts[k] ?? 0) + v;
  }

  latency(kind: LatencyKind, ms: number): void {
    this.samples.push({ kind, ms, at: this.clock() });
  }

  /** Writes everything recorded so far (nothing twice). */
  flush(): Promise<void> {
    const counts = { ...this.counts };
    for (const k of Object.keys(this.counts) as Counter[]) delete this.counts[k];
    return this.stats.write(counts, this.samples.splice(0));
  }
}

/**
 * Shared counters and recent latency samples in Redis, so every worker process adds to the same
 * numbers and the dashboard reads them in one place. Local listeners (Prometheus) hear each update.
 */
export class BotStats {
  private readonly listeners = new Set<(name: Counter | `latency:${string}`, value: number) => void>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  onUpdate(fn: (name: Counter | `latency:${string}`, value: number) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  incr(counts: Partial<Record<Counter, number>>): Promise<void> {
    return this.write(counts, []);
  }

  /** Records a latency sample (ms) with its time; the last 2000 are kept per kind. */
  latency(kind: LatencyKind, ms: number, at = Date.now()): Promise<void> {
    return this.write({}, [{ kind, ms, at }]);
  }

  /** A batch for one job's updates, written by its `flush()`. */
  batch(): StatsBatch {
    return new StatsBatch(this);
  }

  /** Counter increments and latency samples in one MULTI; local listeners hear each once written. */
  async write(counts: Partial<Record<Counter, number>>, samples: ReadonlyArray<{ kind: LatencyKind; ms: number; at: number }>): Promise<void> {
    const entries = Object.entries(counts).filter(([, v]) => v) as Array<[Counter, number]>;
    if (entries.length === 0 && samples.length === 0) return;
    const multi = this.redis.multi();
    for (const [k, v] of entries) multi.hincrby(this.keys.stats, k, v);
    for (const { kind, ms, at } of samples) multi.lpush(this.keys.latency(kind), `${at}:${Math.round(ms)}`).ltrim(this.keys.latency(kind), 0, SAMPLES - 1);
    await multi.exec();
    for (const [k, v] of entries) for (const fn of this.listeners) fn(k, v);
    for (const { kind, ms } of samples) for (const fn of this.listeners) fn(`latency:${kind}`, ms);
  }

  async counters(): Promise<Record<Counter, number>> {
    const h = await this.redis.hgetall(this.keys.stats);
    return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Number(v)])) as Record<Counter, number>;
  }

  async samples(kind: LatencyKind): Promise<Array<{ at: number; ms: number }>> {
    const raw = await this.redis.lrange(this.keys.latency(kind), 0, -1);
    return raw.map((s) => {
      const [at, ms] = s.split(':');
      return { at: Number(at), ms: Number(ms) };
    });
  }
}
