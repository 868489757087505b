import type { Clock } from './clock.js';

export interface Window {
  max: number;
  ms: number;
}

/**
 * Sliding-log rate limiter: remembers the times of the requests allowed under each key (at most
 * the largest `max` of its windows) and refuses one that would exceed any window.
 */
export class RateLimiter {
  private readonly logs = new Map<string, number[]>();
  private lastSweep = 0;

  constructor(private readonly clock: Clock) {}

  /**
   * Checks every (key, windows) rule; when all allow, records the request under each key and returns
   * 0, else returns the milliseconds until the request would be allowed (nothing recorded).
   */
  take(rules: ReadonlyArray<{ key: string; windows: readonly Window[] }>): number {
    const now = this.clock();
    this.sweep(now);
    let waitMs = 0;
    for (const { key, windows } of rules) {
      const log = this.logs.get(key) ?? [];
      for (const w of windows) {
        const inWindow = log.filter((t) => t > now - w.ms);
        if (inWindow.length >= w.max) waitMs = Math.max(waitMs, inWindow[inWindow.length - w.max]! + w.ms - now);
      }
    }
    if (waitMs > 0) return waitMs;
    for (const { key, windows } of rules) {
      const keep = Math.max(...windows.map((w) => w.max));
      const longest = Math.max(...windows.map((w) => w.ms));
      const log = (this.logs.get(key) ?? []).filter((t) => t > now - longest);
      log.push(now);
      this.logs.set(key, log.slice(-keep));
    }
    return 0;
  }

  /** Drops keys idle for longer than a minute, at most once a minute. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, log] of this.logs) if (log[log.length - 1]! <= now - 60_000) this.logs.delete(key);
  }
}
