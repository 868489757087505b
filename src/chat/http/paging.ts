import { z } from 'zod';
import { parseRfc3339 } from '../../lib/rfc3339.js';
import { errors } from '../errors.js';
import { LIMITS } from '../model.js';

/** Query-string parsing shared by the four list operations, and stateless `syncState` cursors. */

/** The swagger types `maxPageSize` and `skip` as int32: larger values are refused, not clamped. */
const INT32_MAX = 2 ** 31 - 1;

export function pageSize(raw: unknown, max: number = LIMITS.maxPageSize): number {
  if (raw === undefined) return Math.min(LIMITS.defaultPageSize, max);
  const n = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > INT32_MAX) {
    throw errors.badRequest(`maxPageSize must be a positive 32-bit integer (at most ${max} are returned); got '${String(raw).slice(0, 64)}'.`);
  }
  return Math.min(n, max);
}

export function skip(raw: unknown): number {
  if (raw === undefined) return 0;
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n > INT32_MAX) throw errors.badRequest(`skip must be a non-negative 32-bit integer; got '${String(raw).slice(0, 64)}'.`);
  return n;
}

/**
 * An RFC 3339 date-time (`2024-01-01T00:00:00Z`), or `0` as in the spec example. Absent = from the
 * beginning (-1, so that the exclusive "changed after" comparison keeps epoch-0 items).
 */
export function startTime(raw: unknown): number {
  if (raw === undefined || raw === '0') return -1;
  const t = typeof raw === 'string' ? parseRfc3339(raw) : null;
  if (t === null) throw errors.badRequest(`startTime must be an RFC 3339 date-time such as 2024-01-01T00:00:00Z; got '${String(raw).slice(0, 64)}'.`);
  return t;
}

export function encodeSyncState(state: unknown): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

export function decodeSyncState<T>(raw: unknown, schema: z.ZodType<T>): T | null {
  if (raw === undefined) return null;
  try {
    return schema.parse(JSON.parse(Buffer.from(String(raw), 'base64url').toString('utf8')));
  } catch {
    throw errors.badRequest('syncState is not a valid continuation token.');
  }
}
