/**
 * `date-time` of RFC 3339 §5.6: `2020-01-02T03:04:05Z`, `…05.123+01:00`; `t` and `z` may be lower
 * case (§5.6 note). Fixed-width fields and one optional fraction: nothing here can backtrack.
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/** Longest accepted text: a 9-digit fraction and an offset. */
const MAX_LENGTH = 35;

/** `Date.UTC` maps years 0–99 to 1900–1999; setting the full year does not. */
function utcMs(year: number, monthIndex: number, day: number, h = 0, min = 0, s = 0, ms = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, monthIndex, day);
  d.setUTCHours(h, min, s, ms);
  return d.getTime();
}

const daysIn = (year: number, month: number): number => new Date(utcMs(year, month, 0)).getUTCDate();

/**
 * Epoch milliseconds of an RFC 3339 date-time, or `null` when `text` is not one. Stricter than
 * `Date.parse`, which also takes `01/02/2030`, `2020`, February 30th and 24:00. A leap second (`:60`)
 * is refused: JavaScript time cannot represent it.
 */
export function parseRfc3339(text: string): number | null {
  if (text.length > MAX_LENGTH) return null;
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const fraction = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const offsetHours = m[9] ? Number(m[9]) : 0;
  const offsetMinutes = m[10] ? Number(m[10]) : 0;
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return null;
  const sign = m[8] === '-' ? -1 : 1;
  const utc = utcMs(year, month - 1, day, hour, minute, second, fraction);
  return utc - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
}
