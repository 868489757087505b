import { describe, expect, it } from 'vitest';
import { percentile, perMinute, summarize } from '../../../src/metrics/percentiles.js';
import { minuteCounts, sampleCounts } from '../../../src/metrics/throughput.js';

const MIN = 60_000;
const now = 100 * MIN + 30_000; // half way through minute 100

describe('percentiles', () => {
  it('uses the nearest rank', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(v, 50), percentile(v, 90), percentile(v, 99), percentile(v, 100)]).toEqual([50, 90, 99, 100]);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });

  it('summarises samples since a time', () => {
    const s = [{ at: 1, ms: 999 }, ...[10, 20, 30, 40].map((ms) => ({ at: 10, ms }))];
    expect(summarize(s, 5)).toEqual({ count: 4, p50: 20, p90: 40, p99: 40, max: 40 });
    expect(summarize([])).toEqual({ count: 0, p50: null, p90: null, p99: null, max: null });
  });

  it('buckets samples per minute, oldest first, the current minute last', () => {
    const series = perMinute([{ at: now, ms: 5 }, { at: now - 1000, ms: 15 }, { at: now - MIN, ms: 100 }, { at: now - 3 * MIN, ms: 1 }, { at: now - 90 * MIN, ms: 1 }], now, 3);
    expect(series).toEqual([
      { t: 98 * MIN, count: 0, p50: null, p90: null, p99: null },
      { t: 99 * MIN, count: 1, p50: 100, p90: 100, p99: 100 },
      { t: 100 * MIN, count: 2, p50: 5, p90: 15, p99: 15 },
    ]);
  });
});

describe('throughput from BullMQ metrics', () => {
  it('places the open period at prevTS’s minute and closed minutes before it', () => {
    // Minute 99 closed with 4 jobs, minute 98 with 0, 97 with 2; 3 jobs so far since prevTS (minute 100).
    const counts = minuteCounts({ meta: { count: 9, prevTS: 100 * MIN + 5000, prevCount: 6 }, data: [4, 0, 2] }, now, 5);
    expect(counts).toEqual([0, 2, 0, 4, 3]);
  });

  it('keeps an old open period where it happened', () => {
    // Nothing finished since minute 95: those 2 jobs belong to minute 95, not to now.
    expect(minuteCounts({ meta: { count: 2, prevTS: 95 * MIN + 10, prevCount: 0 }, data: [] }, now, 10)).toEqual([0, 0, 0, 0, 2, 0, 0, 0, 0, 0]);
  });

  it('is all zeros without metrics, and counts samples as a fallback', () => {
    expect(minuteCounts({ meta: { count: 0, prevTS: 0, prevCount: 0 }, data: [] }, now, 3)).toEqual([0, 0, 0]);
    expect(sampleCounts([{ at: now, ms: 1 }, { at: now - MIN, ms: 1 }, { at: now - 2, ms: 1 }], now, 2)).toEqual([1, 2]);
  });
});
