import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';
import { connectUser, type FrameCollector } from '../../support/realtime-client.js';

/**
 * Each of the ten events reaches exactly the thread's current participants, with the payload
 * fields of the ACS JS SDK's event types (`@azure/communication-signaling` events/chat.d.ts).
 */

let backend: TestBackend;
beforeAll(async () => {
  backend = await startTestBackend();
});
afterAll(() => backend.close());

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const user = (id: string) => ({ kind: 'communicationUser', communicationUserId: id });

describe('the ten events', () => {
  let alice: string, bob: string, carol: string, dave: string;
  let a: FrameCollector, b: FrameCollector, c: FrameCollector, d: FrameCollector;

  beforeAll(async () => {
    [alice, bob, carol, dave] = [0, 1, 2, 3].map(() => backend.identity.createUser()) as [string, string, string, string];
    [a, b, c, d] = (await Promise.all([alice, bob, carol, dave].map((u) => connectUser(backend, u)))) as [FrameCollector, FrameCollector, FrameCollector, FrameCollector];
  });
  afterAll(() => Promise.all([a, b, c, d].map((x) => x.close())));

  it('reach exactly the participants, in order, with SDK-shaped payloads', async () => {
    const chat = backend.chat;
    const { thread } = chat.createThread(alice, {
      topic: 'events',
      participants: [{ rawId: alice, displayName: 'Alice' }, { rawId: bob, displayName: 'Bob' }],
      metadata: { k: 'v' },
    });
    const created = await b.waitForType('chatThreadCreated', { threadId: thread.id });
    expect(created.payload).toEqual({
      threadId: thread.id,
      version: expect.stringMatching(/^\d+$/),
      createdOn: expect.stringMatching(ISO),
      properties: { topic: 'events', metadata: { k: 'v' } },
      participants: [
        { id: user(alice), displayName: 'Alice', shareHistoryTime: expect.stringMatching(ISO), metadata: {} },
        { id: user(bob), displayName: 'Bob', shareHistoryTime: expect.stringMatching(ISO), metadata: {} },
      ],
      createdBy: { id: user(alice), displayName: '', metadata: {} },
      sequenceId: '1',
    });

    const sent = chat.sendMessage(alice, thread.id, { content: 'hello', type: 'text', metadata: { m: '1' } });
    const received = await b.waitForType('chatMessageReceived', { id: sent.id });
    expect(received.payload).toEqual({
      threadId: thread.id,
      sender: user(alice),
      senderDisplayName: 'Alice',
      recipient: user(bob),
      id: sent.id,
      createdOn: new Date(sent.createdOn).toISOString(),
      version: sent.version,
      type: 'text',
      message: 'hello',
      metadata: { m: '1' },
      sequenceId: '3',
    });
    // The sender's own connection gets it too, addressed to the sender.
    expect((await a.waitForType('chatMessageReceived', { id: sent.id })).payload.recipient).toEqual(user(alice));

    const edited = chat.updateMessage(alice, thread.id, sent.id, { content: 'hello, edited' });
    const editedFrame = await b.waitForType('chatMessageEdited', { id: sent.id });
    expect(editedFrame.payload).toEqual({
      ...received.payload,
      message: 'hello, edited',
      version: edited.version,
      editedOn: new Date(edited.editedOn!).toISOString(),
    });

    chat.deleteMessage(alice, thread.id, sent.id);
    const deleted = await b.waitForType('chatMessageDeleted', { id: sent.id });
    expect(deleted.payload).toEqual({
      threadId: thread.id,
      sender: user(alice),
      senderDisplayName: 'Alice',
      recipient: user(bob),
      id: sent.id,
      createdOn: received.payload.createdOn,
      version: edited.version,
      type: 'text',
      deletedOn: expect.stringMatching(ISO),
      sequenceId: '3',
    });

    chat.sendTyping(bob, thread.id);
    const typing = await a.waitForType('typingIndicatorReceived', { threadId: thread.id });
    expect(typing.payload).toEqual({
      threadId: thread.id,
      sender: user(bob),
      senderDisplayName: 'Bob',
      recipient: user(alice),
      version: expect.stringMatching(/^\d+$/),
      receivedOn: expect.stringMatching(ISO),
    });

    const other = chat.sendMessage(alice, thread.id, { content: 'read me', type: 'text' });
    chat.sendReadReceipt(bob, thread.id, other.id);
    const receipt = await a.waitForType('readReceiptReceived', { chatMessageId: other.id });
    expect(receipt.payload).toEqual({
      threadId: thread.id,
      sender: user(bob),
      senderDisplayName: '',
      recipient: user(alice),
      chatMessageId: other.id,
      readOn: expect.stringMatching(ISO),
    });

    chat.updateThread(alice, thread.id, { topic: 'renamed', metadata: { k: null, n: 'w' } });
    const updated = await b.waitForType('chatThreadPropertiesUpdated', { threadId: thread.id });
    expect(updated.payload).toEqual({
      threadId: thread.id,
      version: expect.stringMatching(/^\d+$/),
      properties: { topic: 'renamed', metadata: { n: 'w' } },
      updatedOn: expect.stringMatching(ISO),
      updatedBy: { id: user(alice), displayName: '', metadata: {} },
      sequenceId: '5',
    });

    chat.addParticipants(alice, thread.id, [{ rawId: carol, displayName: 'Carol', shareHistoryTime: 0 }]);
    const added = await c.waitForType('participantsAdded', { threadId: thread.id });
    expect(added.payload).toEqual({
      threadId: thread.id,
      version: expect.stringMatching(/^\d+$/),
      addedOn: expect.stringMatching(ISO),
      participantsAdded: [{ id: user(carol), displayName: 'Carol', shareHistoryTime: new Date(0).toISOString(), metadata: {} }],
      addedBy: { id: user(alice), displayName: '', metadata: {} },
      sequenceId: '6',
    });

    chat.removeParticipant(alice, thread.id, carol);
    const removed = await c.waitForType('participantsRemoved', { threadId: thread.id });
    expect(removed.payload).toEqual({
      threadId: thread.id,
      version: expect.stringMatching(/^\d+$/),
      removedOn: expect.stringMatching(ISO),
      participantsRemoved: [{ id: user(carol), displayName: 'Carol', metadata: {} }],
      removedBy: { id: user(alice), displayName: '', metadata: {} },
      sequenceId: '7',
    });

    chat.deleteThread(bob, thread.id);
    const gone = await a.waitForType('chatThreadDeleted', { threadId: thread.id });
    expect(gone.payload).toEqual({
      threadId: thread.id,
      version: expect.stringMatching(/^\d+$/),
      deletedOn: expect.stringMatching(ISO),
      deletedBy: { id: user(bob), displayName: '', metadata: {} },
      reason: 'deletedByUser',
    });

    // Marker: a thread everyone is in. Whatever did not arrive before it never will.
    const { thread: marker } = chat.createThread(dave, { topic: 'marker', participants: [alice, bob, carol].map((rawId) => ({ rawId })) });
    const isMarker = (f: { type: string; payload: Record<string, unknown> }) => f.payload.threadId === marker.id;
    const [fa, fb, fc, fd] = await Promise.all([a, b, c, d].map((x) => x.framesBefore(isMarker)));
    const messageEvents = ['chatMessageReceived', 'chatMessageEdited', 'chatMessageDeleted'];
    expect(fa!.map((f) => f.type)).toEqual([
      'connected',
      'chatThreadCreated',
      ...messageEvents,
      'typingIndicatorReceived',
      'chatMessageReceived',
      'readReceiptReceived',
      'chatThreadPropertiesUpdated',
      'participantsAdded',
      'participantsRemoved',
      'chatThreadDeleted',
    ]);
    // Bob does not hear his own typing; he does see his read receipt (his other devices need it).
    expect(fb!.map((f) => f.type)).toEqual([
      'connected',
      'chatThreadCreated',
      ...messageEvents,
      'chatMessageReceived',
      'readReceiptReceived',
      'chatThreadPropertiesUpdated',
      'participantsAdded',
      'participantsRemoved',
      'chatThreadDeleted',
    ]);
    expect(fc!.map((f) => f.type)).toEqual(['connected', 'participantsAdded', 'participantsRemoved']);
    expect(fd!.map((f) => f.type)).toEqual(['connected']);
    // Every frame is addressed to its own recipient.
    for (const [x, id] of [[fa!, alice], [fb!, bob]] as const) {
      for (const f of x.filter((f) => 'recipient' in f.payload)) expect(f.payload.recipient).toEqual(user(id));
    }
  });

  it('one connection carries every thread of its user', async () => {
    const t1 = backend.chat.createThread(alice, { topic: 'one', participants: [{ rawId: bob }] }).thread;
    const t2 = backend.chat.createThread(carol, { topic: 'two', participants: [{ rawId: bob }] }).thread;
    const m1 = backend.chat.sendMessage(alice, t1.id, { content: 'in one', type: 'text' });
    const m2 = backend.chat.sendMessage(carol, t2.id, { content: 'in two', type: 'text' });
    await b.waitForType('chatMessageReceived', { id: m1.id, threadId: t1.id });
    await b.waitForType('chatMessageReceived', { id: m2.id, threadId: t2.id });
  });
});
