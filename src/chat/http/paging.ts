import { z } from 'zod';
import { errors } from '../errors.js';
import { LIMITS } from '../model.js';

/** Query-string parsing shared by the four list operations, and stateless `syncState` cursors. */

export function pageSize(raw: unknown, max: number = LIMITS.maxPageSize): number {
  if (raw === undefined) return Math.min(LIMITS.defaultPageSize, max);
  const n = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1) throw errors.badRequest(`maxPageSize must be a positive integer; got '${String(raw)}'.`);
  return Math.min(n, max);
}

export function skip(raw: unknown): number {
  if (raw === undefined) return 0;
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n)) throw errors.badRequest(`skip must be a non-negative integer; got '${String(raw)}'.`);
  return n;
}

/**
 * RFC3339 date-time, or `0` as in the spec example. Absent = from the beginning (-1, so that the
 * exclusive "changed after" comparison keeps epoch-0 items).
 */
export function startTime(raw: unknown): number {
  if (raw === undefined || raw === '0') return -1;
  const t = typeof raw === 'string' ? Date.parse(raw) : NaN;
  if (Number.isNaN(t)) throw errors.badRequest(`startTime must be an RFC3339 date-time; got '${String(raw)}'.`);
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
