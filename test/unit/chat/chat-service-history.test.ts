import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../src/chat/model.js';
import { T0, chatFixture, type ChatFixture } from './fixtures.js';

describe('ChatService history', () => {
  let f: ChatFixture;
  let alice: string;
  let bob: string;
  beforeEach(() => {
    f = chatFixture();
    [alice, bob] = f.users(2) as [string, string];
  });
  afterEach(() => f.close());

  it('starts a thread with seq 1 participantAdded (everyone, creator included) and seq 2 topicUpdated', () => {
    const id = f.thread(alice, [bob], 'Lunch');
    const [added, topic, ...rest] = f.history(alice, id);
    expect(rest).toEqual([]);
    expect(added).toMatchObject({ seq: 1, type: 'participantAdded', senderId: null, content: { initiator: alice } });
    expect(added!.content.participants!.map((p) => p.id)).toEqual([alice, bob]);
    expect(topic).toMatchObject({ seq: 2, type: 'topicUpdated', senderId: null, content: { topic: 'Lunch', initiator: alice } });
  });

  it('appends topicUpdated, participantAdded and participantRemoved in order, between ordinary messages', () => {
    const carol = f.user();
    const id = f.thread(alice, [bob]);
    f.service.sendMessage(bob, id, { content: 'hi', type: 'text' });
    f.service.updateThread(alice, id, { topic: 'Dinner' });
    f.service.updateThread(alice, id, { metadata: { k: 'v' } });
    f.service.addParticipants(bob, id, [{ rawId: carol, displayName: 'Carol' }]);
    f.service.removeParticipant(carol, id, bob);
    f.service.sendMessage(alice, id, { content: 'bye', type: 'text' });
    const history = f.history(alice, id);
    expect(history.map((m) => [m.seq, m.type])).toEqual([
      [1, 'participantAdded'],
      [2, 'topicUpdated'],
      [3, 'text'],
      [4, 'topicUpdated'],
      [5, 'participantAdded'],
      [6, 'participantRemoved'],
      [7, 'text'],
    ]);
    expect(history[3]!.content).toEqual({ topic: 'Dinner', initiator: alice });
    expect(history[4]!.content).toEqual({ participants: [{ id: carol, displayName: 'Carol', shareHistoryTime: 0 }], initiator: bob });
    expect(history[5]!.content).toEqual({ participants: [{ id: bob }], initiator: carol });
  });

  it('gives messages epoch-ms ids, version = id, and per-thread sequence ids as decimal strings', () => {
    const id = f.thread(alice, [bob]);
    f.advance(1234);
    const a = f.service.sendMessage(alice, id, { content: 'a', type: 'text' });
    const b = f.service.sendMessage(bob, id, { content: 'b', type: 'text' }); // same millisecond
    expect(a.id).toBe(String(f.now()));
    expect(a.id).toMatch(/^\d{13}$/);
    expect(Number(b.id)).toBeGreaterThan(Number(a.id));
    expect([a.version, b.version]).toEqual([a.id, b.id]);
    expect([a.seq, b.seq]).toEqual([3, 4]);
    expect(a.createdOn).toBe(Number(a.id));
    const other = f.thread(bob, [alice]);
    expect(f.service.sendMessage(alice, other, { content: 'c', type: 'text' }).seq).toBe(3);
  });

  it('bumps the version and sets editedOn on edit, keeping id and seq', () => {
    const id = f.thread(alice, [bob]);
    const m = f.service.sendMessage(alice, id, { content: 'first', type: 'text' });
    f.advance(5_000);
    const edited = f.service.updateMessage(alice, id, m.id, { content: 'second' });
    expect(edited.version).toBe(String(T0 + 5_000));
    expect(edited.editedOn).toBe(T0 + 5_000);
    const stored = f.service.getMessage(bob, id, m.id);
    expect(stored).toMatchObject({ id: m.id, seq: m.seq, version: edited.version, editedOn: T0 + 5_000, content: { message: 'second' } });
    // Two edits in the same millisecond still give two versions.
    const again = f.service.updateMessage(alice, id, m.id, { content: 'third' });
    expect(Number(again.version)).toBeGreaterThan(Number(edited.version));
    expect(f.events.filter((e) => e.type === 'chatMessageEdited')).toHaveLength(2);
  });

  it('sanitizes html on send and on edit, and leaves text messages verbatim', () => {
    const id = f.thread(alice);
    const html = f.service.sendMessage(alice, id, { content: '<b>hi</b><script>alert(1)</script>', type: 'html' });
    expect(html.content.message).toBe('<b>hi</b>');
    f.service.updateMessage(alice, id, html.id, { content: '<i onclick="x()">yo</i><iframe src="https://e.example"></iframe>' });
    expect(f.service.getMessage(alice, id, html.id).content.message).toBe('<i>yo</i>');
    const text = f.service.sendMessage(alice, id, { content: '<script>not html</script>', type: 'text' });
    expect(text.content.message).toBe('<script>not html</script>');
  });

  it('merge-patches thread and message metadata: null removes a key, others are set', () => {
    const id = f.service.createThread(alice, { topic: 't', participants: [], metadata: { a: '1', b: '2' } }).thread.id;
    f.service.updateThread(alice, id, { metadata: { b: null, c: '3' } });
    expect(f.service.getThread(alice, id).metadata).toEqual({ a: '1', c: '3' });
    f.service.updateThread(alice, id, { topic: 'only topic' });
    expect(f.service.getThread(alice, id).metadata).toEqual({ a: '1', c: '3' });
    f.service.updateThread(alice, id, { metadata: { a: null, c: null } });
    expect(f.service.getThread(alice, id).metadata).toBeNull();

    const m = f.service.sendMessage(alice, id, { content: 'x', type: 'text', metadata: { tag: 'x', keep: 'y' } });
    f.service.updateMessage(alice, id, m.id, { metadata: { tag: 'z', keep: null } });
    expect(f.service.getMessage(alice, id, m.id)).toMatchObject({ metadata: { tag: 'z' }, content: { message: 'x' } });
  });

  it('replays a create with the same repeatability id instead of creating a second thread', () => {
    const input = { topic: 'once', participants: [{ rawId: bob }] };
    const first = f.service.createThread(alice, input, 'key-1');
    const again = f.service.createThread(alice, input, 'key-1');
    expect(again.thread.id).toBe(first.thread.id);
    expect([first.replayed, again.replayed]).toEqual([false, true]);
    expect(f.history(alice, first.thread.id)).toHaveLength(2);
    expect(f.events.filter((e) => e.type === 'chatThreadCreated')).toHaveLength(1);
    // The key is per caller, and no key means no replay.
    expect(f.service.createThread(bob, input, 'key-1').thread.id).not.toBe(first.thread.id);
    expect(f.service.createThread(alice, input).thread.id).not.toBe(first.thread.id);
    expect(f.service.listThreads(alice, { limit: 10, startTime: 0, cursor: null }).threads).toHaveLength(2);
  });

  it('creates a new thread when a repeatability id is reused after its thread was purged', () => {
    const retention = { kind: 'threadCreationDate', deleteThreadAfterDays: 30 } as const;
    const first = f.service.createThread(alice, { topic: 't', participants: [], retention }, 'key-2');
    f.advance(30 * DAY_MS);
    expect(f.service.sweep()).toEqual([first.thread.id]);
    const second = f.service.createThread(alice, { topic: 't', participants: [] }, 'key-2');
    expect(second.replayed).toBe(false);
    expect(second.thread.id).not.toBe(first.thread.id);
    expect(f.service.createThread(alice, { topic: 't', participants: [] }, 'key-2').thread.id).toBe(second.thread.id);
  });

  it('soft-deletes a message: listed with deletedOn, no longer fetchable', () => {
    const id = f.thread(alice, [bob]);
    const m = f.service.sendMessage(alice, id, { content: 'oops', type: 'text' });
    f.advance(10);
    f.service.deleteMessage(alice, id, m.id);
    expect(f.history(bob, id).find((x) => x.id === m.id)?.deletedOn).toBe(T0 + 10);
    expect(f.events.at(-1)).toMatchObject({ type: 'chatMessageDeleted', message: { id: m.id, deletedOn: T0 + 10 } });
  });
});
