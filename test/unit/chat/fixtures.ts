import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { ApiError } from '../../../src/chat/errors.js';
import type { ChatEvent } from '../../../src/chat/events.js';
import { ChatService, type ParticipantInput } from '../../../src/chat/service/chat-service.js';
import { ChatStore } from '../../../src/chat/store/chat-store.js';

/** 2026-01-01T00:00:00Z: a fixed start, so ids and times are predictable. */
export const T0 = Date.UTC(2026, 0, 1);

/**
 * A ChatService over an in-memory store with a hand-driven clock and a log of published events.
 * `user()` creates an identity the way the identity API does.
 */
export function chatFixture(start = T0) {
  const store = ChatStore.open(':memory:');
  let now = start;
  const service = new ChatService({ store, clock: () => now });
  const events: ChatEvent[] = [];
  service.events.subscribe((e) => events.push(e));
  return {
    store,
    service,
    events,
    now: () => now,
    advance: (ms: number) => (now += ms),
    user(): string {
      const id = `8:acs:00000000-0000-0000-0000-000000000001_${randomUUID()}`;
      store.identities.create(id, now);
      return id;
    },
    users(n: number): string[] {
      return Array.from({ length: n }, () => this.user());
    },
    /** Creates a thread by `creator` with the given members (raw ids). */
    thread(creator: string, members: string[] = [], topic = 'Lunch'): string {
      const participants: ParticipantInput[] = members.map((rawId) => ({ rawId }));
      return service.createThread(creator, { topic, participants }).thread.id;
    },
    /** History oldest first, as `caller` sees it. */
    history(caller: string, threadId: string) {
      return service.listMessages(caller, threadId, { limit: 200, startTime: 0, beforeSeq: null }).messages.reverse();
    },
    close: () => store.close(),
  };
}

export type ChatFixture = ReturnType<typeof chatFixture>;

/** Asserts that `fn` throws the catalogue error with this status (and code). */
export function expectApiError(fn: () => unknown, status: number, code?: string, label = 'call'): ApiError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, `${label}: expected an ApiError`).toBeInstanceOf(ApiError);
  const err = caught as ApiError;
  expect(err.status, label).toBe(status);
  if (code) expect(err.code, label).toBe(code);
  return err;
}
