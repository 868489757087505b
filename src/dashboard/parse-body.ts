import type { z } from 'zod';
import { ApiError } from '../chat/errors.js';

/** Parses a JSON body with a zod schema, or throws 400 naming what is wrong. */
export function parseDashboardBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const r = schema.safeParse(body ?? {});
  if (!r.success) {
    throw new ApiError(400, 'BadRequest', r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  }
  return r.data;
}
