import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../../src/chat/events.js';
import { chatFixture, type ChatFixture } from './fixtures.js';

describe('ChatService events', () => {
  let f: ChatFixture;
  let alice: string;
  let bob: string;
  beforeEach(() => {
    f = chatFixture();
    [alice, bob] = f.users(2) as [string, string];
  });
  afterEach(() => f.close());

  it('publishes one event per change, to the current participants', () => {
    const carol = f.user();
    const id = f.thread(alice, [bob]);
    const m = f.service.sendMessage(alice, id, { content: 'hi', type: 'text' });
    f.service.updateMessage(alice, id, m.id, { content: 'hi!' });
    f.service.sendReadReceipt(bob, id, m.id);
    f.service.sendTyping(bob, id);
    f.service.addParticipants(bob, id, [{ rawId: carol }]);
    f.service.updateThread(carol, id, { topic: 'New' });
    f.service.deleteMessage(alice, id, m.id);
    f.service.removeParticipant(alice, id, carol);
    f.service.deleteThread(bob, id);
    expect(f.events.map((e) => e.type)).toEqual([
      'chatThreadCreated',
      'chatMessageReceived',
      'chatMessageEdited',
      'readReceiptReceived',
      'typingIndicatorReceived',
      'participantsAdded',
      'chatThreadPropertiesUpdated',
      'chatMessageDeleted',
      'participantsRemoved',
      'chatThreadDeleted',
    ]);
    expect(f.events[0]!.recipients.sort()).toEqual([alice, bob].sort());
    expect(f.events.at(-1)!.recipients.sort()).toEqual([alice, bob].sort());
  });

  it('records every event in a durable sink inside the writing transaction', () => {
    const recorded: ChatEvent[] = [];
    f.service.addDurableSink({ record: (e) => recorded.push(e) });
    const id = f.thread(alice, [bob]);
    f.service.sendMessage(bob, id, { content: 'x', type: 'text' });
    expect(recorded.map((e) => e.type)).toEqual(['chatThreadCreated', 'chatMessageReceived']);

    // A sink that fails rolls the change back, and nothing is published.
    f.service.addDurableSink({
      record: () => {
        throw new Error('outbox full');
      },
    });
    f.events.length = 0;
    expect(() => f.service.sendMessage(bob, id, { content: 'lost', type: 'text' })).toThrow('outbox full');
    expect(f.history(alice, id).map((m) => m.content.message)).not.toContain('lost');
    expect(f.events).toEqual([]);
  });
});
