import { afterAll, describe, expect, it } from 'vitest';
import { ChatService } from '../../../src/chat/service/chat-service.js';
import { ChatStore } from '../../../src/chat/store/chat-store.js';
import { T0 } from './fixtures.js';

/** A restart is a new ChatService over the same store; the clock may have stepped back meanwhile. */
describe('ChatService after a restart', () => {
  const store = ChatStore.open(':memory:');
  afterAll(() => store.close());

  it('keeps message ids and change stamps increasing, even when the clock went back', () => {
    const alice = '8:acs:r_alice';
    store.identities.create(alice, T0);
    let now = T0;
    const before = new ChatService({ store, clock: () => now });
    const threadId = before.createThread(alice, { topic: 't', participants: [] }).thread.id;
    const burst = Array.from({ length: 5 }, () => before.sendMessage(alice, threadId, { content: 'x', type: 'text' }));
    const last = burst.at(-1)!;

    now = T0 - 60_000; // e.g. an NTP step after the restart
    const after = new ChatService({ store, clock: () => now });
    const next = after.sendMessage(alice, threadId, { content: 'after restart', type: 'text' });
    expect(Number(next.id)).toBeGreaterThan(Number(last.id));
    const edited = after.updateMessage(alice, threadId, burst[0]!.id, { content: 'edited' });
    expect(Number(edited.version)).toBeGreaterThan(Number(next.id));
    const history = after.listMessages(alice, threadId, { limit: 50, startTime: -1, beforeSeq: null }).messages;
    const ids = history.map((m) => Number(m.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  it('does not collide with an id handed out before the restart in the same millisecond', () => {
    const bob = '8:acs:r_bob';
    store.identities.create(bob, T0);
    const at = T0 + 1000;
    const before = new ChatService({ store, clock: () => at });
    const threadId = before.createThread(bob, { topic: 't', participants: [] }).thread.id;
    const m = before.sendMessage(bob, threadId, { content: 'x', type: 'text' });
    const after = new ChatService({ store, clock: () => at });
    expect(() => after.sendMessage(bob, threadId, { content: 'y', type: 'text' })).not.toThrow();
    expect(after.getMessage(bob, threadId, m.id).content.message).toBe('x');
  });
});
