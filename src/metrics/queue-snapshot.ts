import type { Queue } from 'bullmq';
import type { BotStats, Counter } from '../bot/bot-stats.js';
import { minuteStart, perMinute, summarize, type LatencyMinute, type LatencySummary } from './percentiles.js';
import { minuteCounts, sampleCounts } from './throughput.js';

/** Job states shown on the dashboard and exported as `parley_queue_jobs{state}`. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** Model usage, summed over every worker (shared counters in Redis). */
export interface ModelUsage {
  calls: number;
  characters: number;
  inputTokens: number;
  outputTokens: number;
  cacheHits: number;
  cacheMisses: number;
  /** hits / (hits + misses); `null` before the first lookup. */
  cacheHitRate: number | null;
}

/** Everything about the queue at one moment: what the dashboard polls and `parley queue stats` prints. */
export interface QueueSnapshot {
  at: number;
  counts: Record<QueueState, number>;
  paused: boolean;
  /** Per minute over the last hour, oldest first; the last entry is the current minute. */
  throughput: Array<{ t: number; completed: number; failed: number }>;
  /** Jobs completed per minute, averaged over the last 5 complete minutes. */
  perMinute: number;
  /** Jobs completed so far in the current minute. */
  thisMinute: number;
  /** Percentiles (ms) over the last hour. */
  latency: { processing: LatencySummary; e2e: LatencySummary; model: LatencySummary };
  /** End-to-end latency (message sent → bot post) per minute over the last hour. */
  e2eSeries: LatencyMinute[];
  model: ModelUsage;
  counters: Partial<Record<Counter, number>>;
}

const HOUR = 60;

/** Reads counts, BullMQ metrics and the bot's shared counters and samples; `now` is epoch ms. */
export async function queueSnapshot(queue: Queue, stats: BotStats, now = Date.now()): Promise<QueueSnapshot> {
  const [counts, paused, completed, failed, processing, e2e, model, counters] = await Promise.all([
    queue.getJobCounts(...QUEUE_STATES),
    queue.isPaused(),
    queue.getMetrics('completed', 0, HOUR),
    queue.getMetrics('failed', 0, HOUR),
    stats.samples('processing'),
    stats.samples('e2e'),
    stats.samples('model'),
    stats.counters(),
  ]);
  // Without worker metrics (`metrics.maxDataPoints`) BullMQ records nothing: count processing samples.
  const done = completed.meta.prevTS ? minuteCounts(completed, now, HOUR) : sampleCounts(processing, now, HOUR);
  const bad = minuteCounts(failed, now, HOUR);
  const since = now - HOUR * 60_000;
  const hits = counters.cacheHits ?? 0;
  const misses = counters.cacheMisses ?? 0;
  return {
    at: now,
    counts: Object.fromEntries(QUEUE_STATES.map((s) => [s, counts[s] ?? 0])) as Record<QueueState, number>,
    paused,
    throughput: done.map((n, i) => ({ t: minuteStart(now, HOUR - 1 - i), completed: n, failed: bad[i] ?? 0 })),
    perMinute: done.slice(HOUR - 6, HOUR - 1).reduce((a, b) => a + b, 0) / 5,
    thisMinute: done[HOUR - 1] ?? 0,
    latency: { processing: summarize(processing, since), e2e: summarize(e2e, since), model: summarize(model, since) },
    e2eSeries: perMinute(e2e, now, HOUR),
    model: {
      calls: counters.modelCalls ?? 0,
      characters: counters.modelCharacters ?? 0,
      inputTokens: counters.modelInputTokens ?? 0,
      outputTokens: counters.modelOutputTokens ?? 0,
      cacheHits: hits,
      cacheMisses: misses,
      cacheHitRate: hits + misses ? hits / (hits + misses) : null,
    },
    counters,
  };
}
