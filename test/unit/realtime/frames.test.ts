import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../../src/chat/events.js';
import type { Message, Thread } from '../../../src/chat/model.js';
import { encodeFrames, frameFor } from '../../../src/realtime/frames.js';

const alice = '8:acs:r_alice';
const bob = '8:acs:r_bob';
const threadId = '19:t@thread.v2';
// User text that looks like the placeholder and like a recipient field must not confuse the splice.
const tricky = 'x\u0000recipient "recipient":{"kind":"unknown","id":"\\u0000recipient"} \u2028 é';

const message: Message = {
  threadId,
  id: '1700000000000',
  seq: 3,
  type: 'text',
  senderId: alice,
  senderDisplayName: tricky,
  content: { message: tricky },
  metadata: { [tricky]: tricky },
  createdOn: 1_700_000_000_000,
  editedOn: 1_700_000_000_500,
  deletedOn: 1_700_000_000_900,
  version: '1700000000500',
};
const thread: Thread = {
  id: threadId,
  topic: tricky,
  createdOn: 1_700_000_000_000,
  createdBy: alice,
  metadata: { k: tricky },
  retention: { kind: 'threadCreationDate', deleteThreadAfterDays: 40 },
  deletedOn: null,
  lastMessageOn: null,
  lastActivity: 1_700_000_000_000,
  lastSeq: 2,
};
const recipients = [alice, bob];
const people = [{ id: alice, displayName: tricky }, { id: bob, shareHistoryTime: 0, metadata: { a: 'b' } }];
const at = 1_700_000_001_000;

const events: ChatEvent[] = [
  { type: 'chatMessageReceived', threadId, message, recipients },
  { type: 'chatMessageEdited', threadId, message, recipients },
  { type: 'chatMessageDeleted', threadId, message, recipients },
  { type: 'typingIndicatorReceived', threadId, sender: alice, senderDisplayName: tricky, at, recipients },
  { type: 'readReceiptReceived', threadId, sender: bob, messageId: message.id, readOn: at, recipients },
  { type: 'chatThreadCreated', threadId, thread, participants: people, seq: 1, recipients },
  { type: 'chatThreadDeleted', threadId, deletedBy: alice, at, recipients },
  { type: 'chatThreadPropertiesUpdated', threadId, thread, updatedBy: bob, at, seq: 4, recipients },
  { type: 'participantsAdded', threadId, added: people, addedBy: alice, at, seq: 5, recipients },
  { type: 'participantsRemoved', threadId, removed: people, removedBy: bob, at, seq: 6, recipients },
];

describe('encodeFrames', () => {
  it.each(events.map((e) => [e.type, e] as const))('%s: equals JSON.stringify(frameFor(event, recipient))', (_type, event) => {
    const encode = encodeFrames(event);
    for (const r of [alice, bob, '8:acs:r_"quoted"\\', '4:+15551234567']) {
      const frame = frameFor(event, r);
      expect(encode(r)).toBe(frame === null ? null : JSON.stringify(frame));
    }
  });

  it('gives the typist nothing, as frameFor does', () => {
    expect(encodeFrames(events[3]!)(alice)).toBeNull();
    expect(JSON.parse(encodeFrames(events[3]!)(bob)!).payload.recipient).toEqual({ kind: 'communicationUser', communicationUserId: bob });
  });
});
