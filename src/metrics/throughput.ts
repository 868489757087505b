import { MINUTE_MS, minuteStart, type LatencySample } from './percentiles.js';

/** What BullMQ's `queue.getMetrics(type)` returns (recorded by workers with `metrics.maxDataPoints`). */
export interface BullMetricsData {
  meta: { count: number; prevTS: number; prevCount: number };
  /** Per-minute counts, newest first. */
  data: number[];
}

/**
 * Jobs per minute over the last `minutes` minutes (oldest first, the last is the current minute),
 * from BullMQ's metrics. BullMQ only closes a minute when a later job finishes: `data[0]` is the
 * minute before `prevTS`'s, and the jobs since the last close (`count - prevCount`) all finished in
 * `prevTS`'s minute (a job in any later minute would have closed it).
 */
export function minuteCounts(metrics: BullMetricsData, now: number, minutes = 60): number[] {
  const out = new Array<number>(minutes).fill(0);
  const { count, prevTS, prevCount } = metrics.meta;
  if (!prevTS) return out;
  const first = Math.floor(minuteStart(now, minutes - 1) / MINUTE_MS);
  const open = Math.floor(prevTS / MINUTE_MS);
  const put = (minute: number, n: number) => {
    const i = minute - first;
    if (i >= 0 && i < minutes) out[i] = n;
  };
  put(open, Math.max(0, count - prevCount));
  metrics.data.forEach((n, i) => put(open - 1 - i, n));
  return out;
}

/** Samples per minute over the last `minutes` minutes, oldest first (fallback without BullMQ metrics). */
export function sampleCounts(samples: readonly LatencySample[], now: number, minutes = 60): number[] {
  const out = new Array<number>(minutes).fill(0);
  const first = minuteStart(now, minutes - 1);
  for (const s of samples) {
    const i = Math.floor((s.at - first) / MINUTE_MS);
    if (i >= 0 && i < minutes) out[i]! += 1;
  }
  return out;
}
