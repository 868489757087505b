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
  | 'untranslated'
  /** Target languages the engine could not serve (`skipped:<reason>` in a post's parleyStates). */
  | 'languagesSkipped'
  /** Target languages whose translation failed on the last attempt (`failed:<reason>`). */
  | 'languagesFailed';

const SAMPLES = 2000;

export type LatencyKind = 'e2e' | 'processing' | 'model';

/**
 * One write of counters and samples. KEYS[1] is the counters hash, KEYS[2..] the latency list of
 * each sample; ARGV is `n, field1, by1, …, fieldN, byN, keep, sample1, …`.
 */
const RECORD_LUA = `
local n = tonumber(ARGV[1])
for i = 1, n do redis.call('HINCRBY', KEYS[1], ARGV[2 * i], ARGV[2 * i + 1]) end
local keep = tonumber(ARGV[2 * n + 2])
for k = 2, #KEYS do
  redis.call('LPUSH', KEYS[k], ARGV[2 * n + 1 + k])
  redis.call('LTRIM', KEYS[k], 0, keep - 1)
end
return n`;

type StatsRedis = Redis & { parleyRecordStats(numKeys: number, ...keysAndArgs: Array<string | number>): Promise<number> };

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

  private readonly redis: StatsRedis;

  constructor(
    redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    // A script (EVALSHA) rather than a MULTI: a job's ~16 HINCRBY/LPUSH/LTRIM become one command.
    redis.defineCommand('parleyRecordStats', { lua: RECORD_LUA });
    this.redis = redis as StatsRedis;
  }

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

  /** Counter increments and latency samples in one atomic script call; local listeners hear each once written. */
  async write(counts: Partial<Record<Counter, number>>, samples: ReadonlyArray<{ kind: LatencyKind; ms: number; at: number }>): Promise<void> {
    const entries = Object.entries(counts).filter(([, v]) => v) as Array<[Counter, number]>;
    if (entries.length === 0 && samples.length === 0) return;
    const keys = [this.keys.stats, ...samples.map((x) => this.keys.latency(x.kind))];
    await this.redis.parleyRecordStats(keys.length, ...keys, entries.length, ...entries.flat(), SAMPLES, ...samples.map((x) => `${x.at}:${Math.round(x.ms)}`));
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
