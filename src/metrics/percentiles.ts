/** Latency statistics over samples; pure, no I/O. */

/** One latency sample: when it was taken (epoch ms) and how long it took (ms). */
export interface LatencySample {
  at: number;
  ms: number;
}

/** Count and percentiles (ms) of a set of samples; `null` when there are none. */
export interface LatencySummary {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

/** One minute of a series: its start (epoch ms) and the percentiles (ms) of the samples in it. */
export interface LatencyMinute {
  t: number;
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

/** Nearest-rank percentile of ascending `sorted` (`p` in 0..100); `null` for no values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Summarises values (ms), optionally only those taken at or after `since`. */
export function summarize(samples: readonly LatencySample[], since = 0): LatencySummary {
  const sorted = samples
    .filter((s) => s.at >= since)
    .map((s) => s.ms)
    .sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : null,
  };
}

export const MINUTE_MS = 60_000;

/** The start (epoch ms) of the minute `now` falls in, minus `back` minutes. */
export const minuteStart = (now: number, back = 0): number => (Math.floor(now / MINUTE_MS) - back) * MINUTE_MS;

/**
 * Per-minute p50/p90/p99 (the percentiles of the summary tiles) over the last `minutes` minutes, oldest first; the last entry is the current
 * (partial) minute.
 */
export function perMinute(samples: readonly LatencySample[], now: number, minutes = 60): LatencyMinute[] {
  const first = minuteStart(now, minutes - 1);
  const buckets: number[][] = Array.from({ length: minutes }, () => []);
  for (const s of samples) {
    const i = Math.floor((s.at - first) / MINUTE_MS);
    if (i >= 0 && i < minutes) buckets[i]!.push(s.ms);
  }
  return buckets.map((values, i) => {
    values.sort((a, b) => a - b);
    return { t: first + i * MINUTE_MS, count: values.length, p50: percentile(values, 50), p90: percentile(values, 90), p99: percentile(values, 99) };
  });
}
