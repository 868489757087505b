import { describe, expect, it } from 'vitest';
import { parseRfc3339 } from '../../../src/lib/rfc3339.js';

describe('parseRfc3339', () => {
  it.each([
    ['2020-01-01T00:00:00Z', Date.UTC(2020, 0, 1)],
    ['2024-01-01T00:00:00.000Z', Date.UTC(2024, 0, 1)],
    ['2020-01-01t00:00:00z', Date.UTC(2020, 0, 1)],
    ['2020-01-01T01:00:00.5+01:00', Date.UTC(2020, 0, 1, 0, 0, 0, 500)],
    ['2020-01-01T00:00:00.123456789-01:30', Date.UTC(2020, 0, 1, 1, 30, 0, 123)],
    ['2020-02-29T23:59:59Z', Date.UTC(2020, 1, 29, 23, 59, 59)],
    ['0020-01-01T00:00:00Z', -61536067200000],
  ])('reads %s', (text, ms) => {
    expect(parseRfc3339(text)).toBe(ms);
  });

  it.each([
    '01/02/2030',
    '2020',
    '2020-01-01',
    '2020-01-01T00:00Z',
    '2020-01-01 00:00:00Z',
    '2020-01-01T00:00:00',
    '2021-02-29T00:00:00Z',
    '2021-02-30T00:00:00Z',
    '2020-13-01T00:00:00Z',
    '2020-01-01T24:00:00Z',
    '2020-01-01T00:60:00Z',
    '2020-01-01T00:00:60Z',
    '2020-01-01T00:00:00+24:00',
    '2020-01-01T00:00:00.1234567890Z',
    'Wed, 01 Jan 2020 00:00:00 GMT',
    '',
  ])('refuses %s', (text) => {
    expect(parseRfc3339(text)).toBeNull();
  });

  it('answers long adversarial input at once (bounded, no backtracking)', () => {
    const started = performance.now();
    for (const text of ['2020-01-01T00:00:00.' + '1'.repeat(100_000), '9'.repeat(100_000), '2020-01-01T00:00:00Z'.repeat(5000)]) {
      expect(parseRfc3339(text)).toBeNull();
    }
    expect(performance.now() - started).toBeLessThan(500);
  });
});
