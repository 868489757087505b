import type { FastifyRequest } from 'fastify';
import type { Clock } from '../../lib/clock.js';
import type { ChatGrant } from '../auth/scopes.js';
import type { RateLimiter } from '../../lib/rate-limiter.js';
import { errors } from '../errors.js';
import type { ChatService } from '../service/chat-service.js';
import type { IdentityService } from '../service/identity-service.js';
import { rulesFor, type LimitedOperation } from './rate-limits.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Raw id of the authenticated chat caller. */
    caller: string;
    /** What the chat caller's token scopes allow; `null` until the chat auth hook ran (allows nothing). */
    grant: ChatGrant | null;
    /** The body exactly as received, for HMAC content hashes. */
    rawBody: string;
  }
}

/** What route modules need, wired once in `buildChatApp`. */
export interface ApiContext {
  chat: ChatService;
  identity: IdentityService;
  accessKey: string;
  clock: Clock;
  /** Absent when rate limits are off. */
  limiter?: RateLimiter;
  /** Base URL for `Location` and `nextLink`; derived from the request when absent. */
  publicUrl?: string;
}

export function baseUrl(ctx: ApiContext, request: FastifyRequest): string {
  return (ctx.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/$/, '');
}

/** Limited operations a removed participant may still do (read history); the others need a current one. */
const READS: ReadonlySet<LimitedOperation> = new Set(['getThread', 'getMessage', 'listMessages']);

/**
 * Throws 429 with Retry-After when the operation's ACS limit is exceeded. Given a user and a thread,
 * checks access first (404/403), so requests that will be refused never spend a thread's budget.
 */
export function enforceLimit(ctx: ApiContext, op: LimitedOperation, ids: { user?: string; thread?: string }): void {
  if (!ctx.limiter) return;
  if (ids.user && ids.thread) ctx.chat.authorize(ids.user, ids.thread, READS.has(op) ? 'reader' : 'member');
  const waitMs = ctx.limiter.take(rulesFor(op, ids));
  if (waitMs > 0) throw errors.tooManyRequests(Math.max(1, Math.ceil(waitMs / 1000)));
}
