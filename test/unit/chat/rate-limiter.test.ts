import { describe, expect, it } from 'vitest';
import { RateLimiter, type Window } from '../../../src/lib/rate-limiter.js';

const s10 = (max: number): Window => ({ max, ms: 10_000 });
const m1 = (max: number): Window => ({ max, ms: 60_000 });

function limiter(start = 1_000_000) {
  let now = start;
  return { rl: new RateLimiter(() => now), advance: (ms: number) => (now += ms) };
}

/** Takes `n` requests under one rule, returning the waits. */
const takeN = (rl: RateLimiter, n: number, rules: Parameters<RateLimiter['take']>[0]) => Array.from({ length: n }, () => rl.take(rules));

describe('RateLimiter', () => {
  it('allows max requests in a window, then tells how long to wait for the oldest to leave it', () => {
    const { rl, advance } = limiter();
    const rule = [{ key: 'send:t1', windows: [s10(10)] }];
    expect(takeN(rl, 10, rule)).toEqual(Array(10).fill(0));
    expect(rl.take(rule)).toBe(10_000);
    advance(9_999);
    expect(rl.take(rule)).toBe(1);
    advance(1);
    expect(takeN(rl, 10, rule)).toEqual(Array(10).fill(0));
    expect(rl.take(rule)).toBe(10_000);
  });

  it('slides: requests spread over the window leave it one by one', () => {
    const { rl, advance } = limiter();
    const rule = [{ key: 'k', windows: [s10(3)] }];
    rl.take(rule);
    advance(4_000);
    rl.take(rule);
    advance(4_000);
    rl.take(rule);
    expect(rl.take(rule)).toBe(2_000);
    advance(2_000);
    expect(rl.take(rule)).toBe(0);
    expect(rl.take(rule)).toBe(4_000); // now the one taken at 4 s is the oldest
  });

  it('does not count refused requests', () => {
    const { rl, advance } = limiter();
    const rule = [{ key: 'k', windows: [s10(1)] }];
    rl.take(rule);
    for (let i = 0; i < 5; i++) {
      advance(1_000);
      rl.take(rule);
    }
    advance(5_000); // 10 s after the one allowed request; the refused ones left no trace
    expect(rl.take(rule)).toBe(0);
  });

  it('enforces every window of a rule: 10 per 10 s and 30 per minute', () => {
    const { rl, advance } = limiter();
    const rule = [{ key: 'k', windows: [s10(10), m1(30)] }];
    for (let burst = 0; burst < 3; burst++) {
      expect(takeN(rl, 10, rule).every((w) => w === 0)).toBe(true);
      advance(10_000);
    }
    // 10 s windows are clear, the minute is full until the first burst is 60 s old.
    expect(rl.take(rule)).toBe(30_000);
    advance(30_000);
    expect(rl.take(rule)).toBe(0);
  });

  it('is all or nothing across rules, and keeps keys apart', () => {
    const { rl } = limiter();
    const user = { key: 'u', windows: [s10(5)] };
    const thread = { key: 't', windows: [s10(2)] };
    expect(takeN(rl, 2, [user, thread])).toEqual([0, 0]);
    expect(rl.take([user, thread])).toBe(10_000);
    // The refused request was not recorded under the user's key either: 3 more fit.
    expect(takeN(rl, 3, [user])).toEqual([0, 0, 0]);
    expect(rl.take([user])).toBe(10_000);
    expect(rl.take([{ key: 'other', windows: [s10(1)] }])).toBe(0);
  });

  it('forgets idle keys without losing limits of active ones', () => {
    const { rl, advance } = limiter();
    const rule = [{ key: 'k', windows: [m1(2)] }];
    takeN(rl, 2, rule);
    advance(59_999);
    expect(rl.take(rule)).toBe(1);
    advance(61_000);
    expect(takeN(rl, 2, rule)).toEqual([0, 0]);
    expect(rl.take(rule)).toBe(60_000);
  });
});
