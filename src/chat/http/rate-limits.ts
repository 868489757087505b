import type { Window } from '../../lib/rate-limiter.js';

/** The documented ACS limits (spec §10), by operation and scope. */
const s10 = (max: number): Window => ({ max, ms: 10_000 });
const m1 = (max: number): Window => ({ max, ms: 60_000 });
const s30 = (max: number): Window => ({ max, ms: 30_000 });

export type Scope = 'user' | 'thread' | 'userThread' | 'resource';

export const RATE_LIMITS: Record<string, Partial<Record<Scope, Window[]>>> = {
  createThread: { user: [s10(10)] },
  deleteThread: { user: [s10(10)] },
  updateThread: { thread: [s10(5)] },
  changeParticipants: { thread: [s10(10), m1(30)] },
  getThread: { user: [s10(50)] },
  getMessage: { userThread: [s10(50)], thread: [s10(250)] },
  listMessages: { userThread: [s10(50), m1(200)], thread: [s10(250), m1(400)] },
  listReadReceipts: { userThread: [s10(5)], thread: [s10(100)] },
  listParticipants: { userThread: [s10(10)], thread: [s10(250)] },
  changeMessage: { thread: [s10(10), m1(30)] },
  sendReadReceipt: { userThread: [s10(10), m1(30)] },
  typing: { userThread: [s10(5), m1(15)], thread: [s10(10), m1(30)] },
  createIdentity: { resource: [s30(1000)] },
  deleteIdentity: { resource: [s30(500)] },
  issueToken: { resource: [s30(1000)] },
  revokeTokens: { resource: [s30(500)] },
};

export type LimitedOperation = keyof typeof RATE_LIMITS;

/** The limiter rules for one request. */
export function rulesFor(op: LimitedOperation, ids: { user?: string; thread?: string }) {
  const scopes = RATE_LIMITS[op] ?? {};
  const rules: { key: string; windows: Window[] }[] = [];
  for (const [scope, windows] of Object.entries(scopes) as [Scope, Window[]][]) {
    const key =
      scope === 'user' ? ids.user : scope === 'thread' ? ids.thread : scope === 'userThread' ? `${ids.user}|${ids.thread}` : 'resource';
    rules.push({ key: `${op}:${scope}:${key}`, windows });
  }
  return rules;
}
