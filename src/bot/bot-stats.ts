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

  async incr(counts: Partial<Record<Counter, number>>): Promise<void> {
    const entries = Object.entries(counts).filter(([, v]) => v);
    if (entries.length === 0) return;
    const multi = this.redis.multi();
    for (const [k, v] of entries) multi.hincrby(this.keys.stats, k, v!);
    await multi.exec();
    for (const [k, v] of entries) for (const fn of this.listeners) fn(k as Counter, v!);
  }

  /** Records a latency sample (ms) with its time; the last 2000 are kept per kind. */
  async latency(kind: 'e2e' | 'processing' | 'model', ms: number, at = Date.now()): Promise<void> {
    await this.redis.multi().lpush(this.keys.latency(kind), `${at}:${Math.round(ms)}`).ltrim(this.keys.latency(kind), 0, SAMPLES - 1).exec();
    for (const fn of this.listeners) fn(`latency:${kind}`, ms);
  }

  async counters(): Promise<Record<Counter, number>> {
    const h = await this.redis.hgetall(this.keys.stats);
    return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Number(v)])) as Record<Counter, number>;
  }

  async samples(kind: 'e2e' | 'processing' | 'model'): Promise<Array<{ at: number; ms: number }>> {
    const raw = await this.redis.lrange(this.keys.latency(kind), 0, -1);
    return raw.map((s) => {
      const [at, ms] = s.split(':');
      return { at: Number(at), ms: Number(ms) };
    });
  }
}
