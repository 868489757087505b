import { randomBytes, randomUUID } from 'node:crypto';

/** A new thread id in the ACS form `19:<opaque>@thread.v2`. */
export const newThreadId = (): string => `19:${randomBytes(24).toString('base64url')}@thread.v2`;

/** A new ACS user raw id `8:acs:<resourceId>_<uuid>`. */
export const newUserId = (resourceId: string): string => `8:acs:${resourceId}_${randomUUID()}`;

/**
 * Message ids are the epoch-ms arrival time as a decimal string, strictly increasing within a process
 * (two messages in the same millisecond get consecutive ids), as the real service's ids are.
 */
export class MessageIdGenerator {
  private last = 0;

  constructor(start = 0) {
    this.last = start;
  }

  next(now: number): number {
    this.last = Math.max(now, this.last + 1);
    return this.last;
  }
}
