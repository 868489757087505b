import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../src/chat/model.js';
import { chatFixture, type ChatFixture } from './fixtures.js';

const DAYS_30 = 30 * DAY_MS;

describe('ChatService.sweep', () => {
  let f: ChatFixture;
  let alice: string;
  let bob: string;
  beforeEach(() => {
    f = chatFixture();
    [alice, bob] = f.users(2) as [string, string];
  });
  afterEach(() => f.close());

  const exists = (id: string) => f.store.threads.get(id) !== undefined;

  it('purges a thread without participants after 30 idle days, not a millisecond before', () => {
    const id = f.thread(alice, [bob]);
    f.service.sendMessage(bob, id, { content: 'hello', type: 'text' });
    f.advance(5 * DAY_MS);
    f.service.removeParticipant(alice, id, bob);
    f.service.removeParticipant(alice, id, alice); // the last one out; idle time counts from here
    f.advance(DAYS_30 - 1);
    expect(f.service.sweep()).toEqual([]);
    expect(exists(id)).toBe(true);
    f.advance(1);
    expect(f.service.sweep()).toEqual([id]);
    expect(exists(id)).toBe(false);
    expect(f.store.messages.page(id, { beforeSeq: 1e9, maxSeq: 1e9, since: 0, changedAfter: -1 }, 10)).toEqual([]);
    expect(f.service.listThreads(bob, { limit: 10, startTime: 0, cursor: null }).threads).toEqual([]);
  });

  it('keeps threads that still have participants, however long idle', () => {
    const id = f.thread(alice, [bob]);
    f.advance(365 * DAY_MS);
    expect(f.service.sweep()).toEqual([]);
    expect(f.service.getThread(bob, id).id).toBe(id);
  });

  it('honours retentionPolicy.deleteThreadAfterDays from the creation date, active or not', () => {
    const id = f.service.createThread(alice, {
      topic: 'short-lived',
      participants: [{ rawId: bob }],
      retention: { kind: 'threadCreationDate', deleteThreadAfterDays: 45 },
    }).thread.id;
    const keep = f.thread(alice, [bob]);
    f.advance(45 * DAY_MS - 1);
    f.service.sendMessage(alice, id, { content: 'still busy', type: 'text' });
    expect(f.service.sweep()).toEqual([]);
    f.advance(1);
    expect(f.service.sweep()).toEqual([id]);
    expect(exists(keep)).toBe(true);
  });

  it('applies a retention policy set or lifted later through updateThread', () => {
    const later = f.thread(alice);
    const lifted = f.service.createThread(alice, {
      topic: 't',
      participants: [],
      retention: { kind: 'threadCreationDate', deleteThreadAfterDays: 30 },
    }).thread.id;
    f.service.updateThread(alice, later, { retention: { kind: 'threadCreationDate', deleteThreadAfterDays: 60 } });
    f.service.updateThread(alice, lifted, { retention: { kind: 'none' } });
    f.advance(DAYS_30);
    expect(f.service.sweep()).toEqual([]);
    f.advance(DAYS_30);
    expect(f.service.sweep()).toEqual([later]);
    expect(exists(lifted)).toBe(true);
  });

  it('purges a deleted thread 30 days after its deletion', () => {
    const id = f.thread(alice, [bob]);
    f.advance(DAY_MS);
    f.service.deleteThread(alice, id);
    f.advance(DAYS_30 - 1);
    expect(f.service.sweep()).toEqual([]);
    f.advance(1);
    expect(f.service.sweep()).toEqual([id]);
  });
});
