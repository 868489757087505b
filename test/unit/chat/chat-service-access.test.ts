import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatFixture, expectApiError, type ChatFixture } from './fixtures.js';

const page = { limit: 100, skip: 0 };
const all = { limit: 200, startTime: 0, beforeSeq: null };

describe('ChatService access rules', () => {
  let f: ChatFixture;
  let alice: string;
  let bob: string;
  let eve: string;
  let threadId: string;
  beforeEach(() => {
    f = chatFixture();
    [alice, bob, eve] = f.users(3) as [string, string, string];
    threadId = f.thread(alice, [bob]);
  });
  afterEach(() => f.close());

  it('adds the creator automatically, once, even when not listed', () => {
    const ids = f.service.listParticipants(alice, threadId, page).participants.map((p) => p.userId);
    expect(ids.sort()).toEqual([alice, bob].sort());
    const withSelf = f.service.createThread(alice, { topic: 'x', participants: [{ rawId: alice, displayName: 'Alice' }, { rawId: bob }] });
    const members = f.service.listParticipants(alice, withSelf.thread.id, page).participants;
    expect(members).toHaveLength(2);
    expect(members.find((p) => p.userId === alice)?.displayName).toBe('Alice');
    expect(withSelf.thread.createdBy).toBe(alice);
  });

  it('refuses every thread operation to a non-participant with 403', () => {
    const m = f.service.sendMessage(alice, threadId, { content: 'hi', type: 'text' });
    const calls: Array<[string, () => unknown]> = [
      ['getThread', () => f.service.getThread(eve, threadId)],
      ['updateThread', () => f.service.updateThread(eve, threadId, { topic: 'mine' })],
      ['deleteThread', () => f.service.deleteThread(eve, threadId)],
      ['sendMessage', () => f.service.sendMessage(eve, threadId, { content: 'x', type: 'text' })],
      ['listMessages', () => f.service.listMessages(eve, threadId, all)],
      ['getMessage', () => f.service.getMessage(eve, threadId, m.id)],
      ['updateMessage', () => f.service.updateMessage(eve, threadId, m.id, { content: 'x' })],
      ['deleteMessage', () => f.service.deleteMessage(eve, threadId, m.id)],
      ['listParticipants', () => f.service.listParticipants(eve, threadId, page)],
      ['addParticipants', () => f.service.addParticipants(eve, threadId, [{ rawId: eve }])],
      ['removeParticipant', () => f.service.removeParticipant(eve, threadId, bob)],
      ['sendReadReceipt', () => f.service.sendReadReceipt(eve, threadId, m.id)],
      ['listReadReceipts', () => f.service.listReadReceipts(eve, threadId, page)],
      ['sendTyping', () => f.service.sendTyping(eve, threadId)],
    ];
    for (const [name, call] of calls) {
      expectApiError(call, 403, 'Forbidden', name);
    }
    expect(f.service.listThreads(eve, { limit: 10, startTime: 0, cursor: null }).threads).toEqual([]);
    expect(f.service.getThread(alice, threadId).topic).toBe('Lunch');
  });

  it('answers 404 for an unknown or deleted thread and an unknown message', () => {
    expectApiError(() => f.service.getThread(alice, '19:nope@thread.v2'), 404, 'NotFound');
    expectApiError(() => f.service.getMessage(alice, threadId, '123'), 404, 'NotFound');
    f.service.deleteThread(bob, threadId);
    expectApiError(() => f.service.getThread(alice, threadId), 404);
    expectApiError(() => f.service.sendMessage(alice, threadId, { content: 'x', type: 'text' }), 404);
  });

  it('lets only the sender edit or delete a message', () => {
    const m = f.service.sendMessage(alice, threadId, { content: 'mine', type: 'text' });
    expectApiError(() => f.service.updateMessage(bob, threadId, m.id, { content: 'hijacked' }), 403, 'Forbidden');
    expectApiError(() => f.service.deleteMessage(bob, threadId, m.id), 403, 'Forbidden');
    expect(f.service.getMessage(bob, threadId, m.id).content.message).toBe('mine');
    const system = f.history(alice, threadId)[0]!;
    expectApiError(() => f.service.updateMessage(alice, threadId, system.id, { content: 'x' }), 403);
    f.service.updateMessage(alice, threadId, m.id, { content: 'edited' });
    expect(f.service.getMessage(bob, threadId, m.id).content.message).toBe('edited');
    f.service.deleteMessage(alice, threadId, m.id);
    expectApiError(() => f.service.getMessage(bob, threadId, m.id), 404);
  });

  it('lets any participant change the topic, manage participants and delete the thread', () => {
    const carol = f.user();
    f.service.updateThread(bob, threadId, { topic: 'Dinner' });
    f.service.addParticipants(bob, threadId, [{ rawId: carol }]);
    f.service.removeParticipant(bob, threadId, alice);
    expect(f.service.getThread(carol, threadId).topic).toBe('Dinner');
    f.service.deleteThread(carol, threadId);
    expectApiError(() => f.service.getThread(bob, threadId), 404);
  });

  it('gives a removed participant history up to the removal, and nothing newer', () => {
    const before = f.service.sendMessage(alice, threadId, { content: 'before', type: 'text' });
    f.service.removeParticipant(alice, threadId, bob);
    f.events.length = 0;
    const after = f.service.sendMessage(alice, threadId, { content: 'after', type: 'text' });

    const seen = f.history(bob, threadId);
    expect(seen.map((m) => m.type)).toEqual(['participantAdded', 'topicUpdated', 'text', 'participantRemoved']);
    expect(seen.map((m) => m.id)).not.toContain(after.id);
    expect(f.service.getMessage(bob, threadId, before.id).content.message).toBe('before');
    expectApiError(() => f.service.getMessage(bob, threadId, after.id), 404);
    expect(f.service.listMessages(bob, threadId, { ...all, startTime: after.createdOn }).messages).toEqual([]);

    expectApiError(() => f.service.sendMessage(bob, threadId, { content: 'still here?', type: 'text' }), 403);
    expectApiError(() => f.service.sendTyping(bob, threadId), 403);
    expectApiError(() => f.service.listParticipants(bob, threadId, page), 403);
    expect(f.events.find((e) => e.type === 'chatMessageReceived')?.recipients).toEqual([alice]);
    // The thread stays in the removed participant's list and is still readable.
    expect(f.service.listThreads(bob, { limit: 10, startTime: 0, cursor: null }).threads.map((t) => t.id)).toEqual([threadId]);
    expect(f.service.getThread(bob, threadId).id).toBe(threadId);
  });

  it('shows a removed participant each message as it was at the removal, and keeps earlier states only for such readers', () => {
    const revisions = () => (f.store.db.prepare('SELECT COUNT(*) AS n FROM message_revisions').get() as { n: number }).n;
    const m = f.service.sendMessage(alice, threadId, { content: 'v1', type: 'text', metadata: { a: '1' } });
    f.service.updateMessage(alice, threadId, m.id, { content: 'v2' });
    expect(revisions()).toBe(0); // no removed reader yet: nothing kept
    f.service.removeParticipant(alice, threadId, bob);
    f.service.updateMessage(alice, threadId, m.id, { content: 'v3', metadata: { a: null } });
    f.service.updateMessage(alice, threadId, m.id, { content: 'v4' });
    const seen = f.service.getMessage(bob, threadId, m.id);
    expect(seen.content.message).toBe('v2');
    expect(seen.metadata).toEqual({ a: '1' });
    expect(seen.version).not.toBe(f.service.getMessage(alice, threadId, m.id).version);
    const later = f.service.sendMessage(alice, threadId, { content: 'later', type: 'text' });
    f.service.updateMessage(alice, threadId, later.id, { content: 'later, edited' });
    expect(revisions()).toBe(2); // not for a message the removed reader cannot see
    f.service.deleteMessage(alice, threadId, m.id);
    expect(revisions()).toBe(0); // a deletion takes the earlier states with it
    expectApiError(() => f.service.getMessage(bob, threadId, m.id), 404);
  });

  it('shows a removed participant the thread as it was at the removal', () => {
    f.service.updateThread(alice, threadId, { metadata: { k: 'before' } });
    f.service.sendMessage(alice, threadId, { content: 'hi', type: 'text' });
    f.advance(1000);
    f.service.removeParticipant(alice, threadId, bob);
    f.advance(1000);
    f.service.updateThread(alice, threadId, { topic: 'Renamed', metadata: { k: 'after' }, retention: { kind: 'none' } });
    f.service.sendMessage(alice, threadId, { content: 'later', type: 'text' });
    const asBob = f.service.getThread(bob, threadId);
    expect(asBob).toMatchObject({ topic: 'Lunch', metadata: { k: 'before' }, retention: null });
    const listed = f.service.listThreads(bob, { limit: 10, startTime: 0, cursor: null }).threads[0]!;
    expect(listed.lastMessageOn).toBeLessThan(f.service.getThread(alice, threadId).lastMessageOn!);
    expect(listed.topic).toBe('Lunch');
    // Listing from after the removal finds no activity in it.
    expect(f.service.listThreads(bob, { limit: 10, startTime: f.now(), cursor: null }).threads).toEqual([]);
    f.service.deleteThread(alice, threadId);
    expect(f.service.listThreads(bob, { limit: 10, startTime: 0, cursor: null }).threads).toEqual([]);
  });

  it('tells the removed participant about their own removal, but not about later ones', () => {
    const carol = f.user();
    f.service.addParticipants(alice, threadId, [{ rawId: carol }]);
    f.events.length = 0;
    f.service.removeParticipant(alice, threadId, bob);
    f.service.removeParticipant(alice, threadId, carol);
    const [first, second] = f.events.filter((e) => e.type === 'participantsRemoved');
    expect(first?.recipients.sort()).toEqual([alice, bob, carol].sort());
    expect(second?.recipients.sort()).toEqual([alice, carol].sort());
  });
});
