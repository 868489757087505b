import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_GRID_TYPES, type EventGridEvent } from '../../../src/webhooks/envelopes.js';
import { verifySignature } from '../../../src/webhooks/signature.js';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';
import {
  startWebhookReceiver,
  subscribeWebhook,
  type CreatedSubscription,
  type DeliveryAttempt,
  type WebhookReceiver,
} from '../../support/webhook-receiver.js';

const NS = 'Microsoft.Communication.';
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Spec §9.3: data fields beyond the bases, by event type (per-user types also carry recipientCommunicationIdentifier).
const MESSAGE = ['messageId', 'senderCommunicationIdentifier', 'senderDisplayName', 'composeTime', 'type', 'version', 'messageBody', 'metadata'];
const DELETED = ['messageId', 'senderCommunicationIdentifier', 'senderDisplayName', 'composeTime', 'type', 'version', 'deleteTime'];
const CREATED = ['createTime', 'version', 'createdByCommunicationIdentifier', 'properties', 'metadata', 'participants'];
const THREAD_DELETED = ['createTime', 'version', 'deletedByCommunicationIdentifier', 'deleteTime'];
const UPDATED = ['createTime', 'version', 'editedByCommunicationIdentifier', 'editTime', 'properties', 'metadata'];
const FIELDS: Record<string, string[]> = {
  ChatMessageReceived: MESSAGE,
  ChatMessageReceivedInThread: MESSAGE,
  ChatMessageEdited: [...MESSAGE, 'editTime'],
  ChatMessageEditedInThread: [...MESSAGE, 'editTime'],
  ChatMessageDeleted: DELETED,
  ChatMessageDeletedInThread: DELETED,
  ChatThreadCreatedWithUser: CREATED,
  ChatThreadCreated: CREATED,
  ChatThreadWithUserDeleted: THREAD_DELETED,
  ChatThreadDeleted: THREAD_DELETED,
  ChatThreadPropertiesUpdatedPerUser: UPDATED,
  ChatThreadPropertiesUpdated: UPDATED,
  ChatParticipantAddedToThreadWithUser: ['createTime', 'version', 'time', 'addedByCommunicationIdentifier', 'participantAdded'],
  ChatParticipantRemovedFromThreadWithUser: ['createTime', 'version', 'time', 'removedByCommunicationIdentifier', 'participantRemoved'],
  ChatThreadParticipantAdded: ['time', 'addedByCommunicationIdentifier', 'participantAdded', 'version'],
  ChatThreadParticipantRemoved: ['time', 'removedByCommunicationIdentifier', 'participantRemoved', 'version'],
  ChatTypingIndicatorReceivedInThread: ['senderCommunicationIdentifier', 'senderDisplayName', 'composeTime', 'type', 'version', 'messageBody', 'metadata'],
};
const PER_USER = new Set([
  'ChatMessageReceived', 'ChatMessageEdited', 'ChatMessageDeleted', 'ChatThreadCreatedWithUser', 'ChatThreadWithUserDeleted',
  'ChatThreadPropertiesUpdatedPerUser', 'ChatParticipantAddedToThreadWithUser', 'ChatParticipantRemovedFromThreadWithUser',
]);
const TIME_FIELDS = ['composeTime', 'editTime', 'deleteTime', 'createTime', 'time'];

const id = (rawId: string) => ({ rawId, communicationUser: { id: rawId } });
const short = (e: EventGridEvent) => e.eventType.slice(NS.length);

let backend: TestBackend;
let receiver: WebhookReceiver;
let filtered: WebhookReceiver;
let sub: CreatedSubscription;
let alice: string, bob: string, carol: string, dave: string;
let threadId: string;
let threadCreatedOn: number;
let events: EventGridEvent[];
let attempts: DeliveryAttempt[];

/** One scripted conversation producing every event type, in order, on one thread. */
beforeAll(async () => {
  backend = await startTestBackend({ webhooks: { baseDelayMs: 20, pollMs: 10 } });
  [receiver, filtered] = await Promise.all([startWebhookReceiver(), startWebhookReceiver()]);
  sub = await subscribeWebhook(backend, { endpointUrl: receiver.url, name: 'all-events' });
  await subscribeWebhook(backend, {
    endpointUrl: filtered.url,
    includedEventTypes: [`${NS}ChatMessageEdited`, `${NS}ChatThreadDeleted`],
  });
  [alice, bob, carol, dave] = [1, 2, 3, 4].map(() => backend.identity.createUser()) as [string, string, string, string];
  const chat = backend.chat;
  const { thread } = chat.createThread(alice, {
    topic: 'Topic one',
    metadata: { k: 'v' },
    participants: [
      { rawId: alice, displayName: 'Alice' },
      { rawId: bob, displayName: 'Bob' },
      { rawId: carol, displayName: 'Carol' },
    ],
  });
  threadId = thread.id;
  threadCreatedOn = thread.createdOn;
  const m = chat.sendMessage(alice, threadId, { content: 'hello', type: 'text', metadata: { a: '1' } });
  chat.updateMessage(alice, threadId, m.id, { content: 'hello, edited' });
  chat.deleteMessage(alice, threadId, m.id);
  chat.updateThread(alice, threadId, { topic: 'Topic two' });
  chat.addParticipants(alice, threadId, [{ rawId: dave, displayName: 'Dave' }]);
  chat.removeParticipant(alice, threadId, dave);
  chat.sendTyping(bob, threadId);
  chat.sendReadReceipt(bob, threadId, chat.sendMessage(carol, threadId, { content: 'from carol', type: 'text' }).id);
  chat.deleteThread(alice, threadId);
  // 3 created + 3 sent + 3 edited + 3 deleted + 3 updated + 4 added + 4 removed + 1 typing + 3 sent + 3 thread deleted
  events = await receiver.waitForEvents(30);
  attempts = receiver.attempts;
  await filtered.waitForEvents(3);
});
afterAll(async () => {
  await backend.close();
  await Promise.all([receiver.close(), filtered.close()]);
});

describe('fan-out and order', () => {
  it('emits thread-level events once and per-user events for each participant except the actor, in order', () => {
    // Each thread-level event, followed by its per-user events (recipients in any order).
    const got: Array<[string, string[]]> = [];
    for (const e of events) {
      const recipient = (e.data.recipientCommunicationIdentifier as { rawId: string } | undefined)?.rawId;
      if (recipient) got.at(-1)![1].push(`${short(e)} ${recipient}`);
      else got.push([short(e), []]);
    }
    for (const g of got) g[1].sort();
    const perUser = (type: string, ...users: string[]) => users.map((u) => `${type} ${u}`).sort();
    expect(got).toEqual([
      ['ChatThreadCreated', perUser('ChatThreadCreatedWithUser', bob, carol)],
      ['ChatMessageReceivedInThread', perUser('ChatMessageReceived', bob, carol)],
      ['ChatMessageEditedInThread', perUser('ChatMessageEdited', bob, carol)],
      ['ChatMessageDeletedInThread', perUser('ChatMessageDeleted', bob, carol)],
      ['ChatThreadPropertiesUpdated', perUser('ChatThreadPropertiesUpdatedPerUser', bob, carol)],
      ['ChatThreadParticipantAdded', perUser('ChatParticipantAddedToThreadWithUser', bob, carol, dave)],
      // The removed participant hears of its own removal.
      ['ChatThreadParticipantRemoved', perUser('ChatParticipantRemovedFromThreadWithUser', bob, carol, dave)],
      ['ChatTypingIndicatorReceivedInThread', []],
      ['ChatMessageReceivedInThread', perUser('ChatMessageReceived', alice, bob)],
      ['ChatThreadDeleted', perUser('ChatThreadWithUserDeleted', bob, carol)],
    ]);
  });

  it('covers every event type the admin API accepts', () => {
    expect(new Set(events.map((e) => e.eventType))).toEqual(new Set(EVENT_GRID_TYPES));
  });

  it('honours includedEventTypes', () => {
    const got = filtered.events.map((e) => `${short(e)} ${(e.data.recipientCommunicationIdentifier as { rawId: string } | undefined)?.rawId ?? ''}`);
    expect(got.slice(0, 2).sort()).toEqual([`ChatMessageEdited ${bob}`, `ChatMessageEdited ${carol}`].sort());
    expect(got.slice(2)).toEqual(['ChatThreadDeleted ']);
  });
});

describe('envelope', () => {
  it('has the Event Grid schema fields', () => {
    for (const e of events) {
      expect(Object.keys(e).sort()).toEqual(['data', 'dataVersion', 'eventTime', 'eventType', 'id', 'metadataVersion', 'subject', 'topic']);
      expect(e.id).toMatch(UUID);
      expect(e.topic).toMatch(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Communication\/communicationServices\/[^/]+$/);
      expect(e.eventTime).toMatch(ISO);
      expect(e.dataVersion).toBe('1.0');
      expect(e.metadataVersion).toBe('1');
    }
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it('follows the subject patterns of spec §9.3', () => {
    const t = `thread/${threadId}`;
    const subjects = new Map(events.map((e) => [`${short(e)} ${(e.data.recipientCommunicationIdentifier as { rawId: string } | undefined)?.rawId ?? ''}`, e.subject]));
    expect(subjects.get('ChatThreadCreated ')).toBe(`${t}/createdBy/${alice}`);
    expect(subjects.get(`ChatThreadCreatedWithUser ${bob}`)).toBe(`${t}/createdBy/${alice}/recipient/${bob}`);
    expect(subjects.get(`ChatMessageEdited ${carol}`)).toBe(`${t}/sender/${alice}/recipient/${carol}`);
    expect(subjects.get('ChatMessageDeletedInThread ')).toBe(`${t}/sender/${alice}`);
    expect(subjects.get('ChatThreadPropertiesUpdated ')).toBe(`${t}/editedBy/${alice}`);
    expect(subjects.get(`ChatThreadPropertiesUpdatedPerUser ${bob}`)).toBe(`${t}/editedBy/${alice}/recipient/${bob}`);
    expect(subjects.get('ChatThreadParticipantAdded ')).toBe(`${t}/participantadded/${dave}`);
    expect(subjects.get(`ChatParticipantAddedToThreadWithUser ${bob}`)).toBe(`${t}/participantAdded/${dave}/recipient/${bob}`);
    expect(subjects.get('ChatThreadParticipantRemoved ')).toBe(`${t}/participantremoved/${dave}`);
    expect(subjects.get(`ChatParticipantRemovedFromThreadWithUser ${dave}`)).toBe(`${t}/participantRemoved/${dave}/recipient/${dave}`);
    expect(subjects.get('ChatTypingIndicatorReceivedInThread ')).toBe(`${t}/sender/${bob}`);
    expect(subjects.get('ChatThreadDeleted ')).toBe(`${t}/deletedBy/${alice}`);
    expect(subjects.get(`ChatThreadWithUserDeleted ${carol}`)).toBe(`${t}/deletedBy/${alice}/recipient/${carol}`);
  });
});

describe('data fields (spec §9.3)', () => {
  it('carries every field of its event type, with the bases', () => {
    for (const e of events) {
      const type = short(e);
      const expected = ['threadId', 'transactionId', ...FIELDS[type]!, ...(PER_USER.has(type) ? ['recipientCommunicationIdentifier'] : [])];
      expect({ type, missing: expected.filter((f) => !(f in e.data)) }).toEqual({ type, missing: [] });
      expect(e.data.threadId).toBe(threadId);
      expect(e.data.transactionId).toEqual(expect.any(String));
      for (const f of TIME_FIELDS) if (f in e.data) expect(e.data[f], `${type}.${f}`).toMatch(ISO);
      expect(typeof e.data.version === 'number' || typeof e.data.version === 'string').toBe(true);
    }
  });

  it('fills message events', () => {
    const [received, edited, deleted] = ['ChatMessageReceived', 'ChatMessageEdited', 'ChatMessageDeleted'].map(
      (t) => events.find((e) => short(e) === t && (e.data.recipientCommunicationIdentifier as { rawId: string }).rawId === bob)!,
    );
    expect(received!.data).toMatchObject({
      messageBody: 'hello',
      metadata: { a: '1' },
      type: 'Text',
      senderCommunicationIdentifier: id(alice),
      senderDisplayName: 'Alice',
      recipientCommunicationIdentifier: id(bob),
      version: expect.any(Number),
    });
    expect(edited!.data).toMatchObject({ messageId: received!.data.messageId, messageBody: 'hello, edited', composeTime: received!.data.composeTime });
    expect(Date.parse(edited!.data.editTime as string)).toBeGreaterThanOrEqual(Date.parse(received!.data.composeTime as string));
    expect(edited!.data.version).not.toBe(received!.data.version);
    expect(deleted!.data).toMatchObject({ messageId: received!.data.messageId, type: 'Text', senderCommunicationIdentifier: id(alice) });
    const inThread = events.find((e) => short(e) === 'ChatMessageReceivedInThread')!;
    expect(inThread.data).not.toHaveProperty('recipientCommunicationIdentifier');
    expect(inThread.data).toMatchObject({ messageId: received!.data.messageId, messageBody: 'hello' });
  });

  it('fills thread events', () => {
    const created = events.find((e) => short(e) === 'ChatThreadCreated')!;
    expect(created.data).toMatchObject({
      createTime: new Date(threadCreatedOn).toISOString(),
      createdByCommunicationIdentifier: id(alice),
      properties: { topic: 'Topic one' },
      metadata: { k: 'v' },
      participants: [
        { displayName: 'Alice', participantCommunicationIdentifier: id(alice) },
        { displayName: 'Bob', participantCommunicationIdentifier: id(bob) },
        { displayName: 'Carol', participantCommunicationIdentifier: id(carol) },
      ],
    });
    const updated = events.find((e) => short(e) === 'ChatThreadPropertiesUpdatedPerUser')!;
    expect(updated.data).toMatchObject({ properties: { topic: 'Topic two' }, editedByCommunicationIdentifier: id(alice), createTime: created.data.createTime });
    const deleted = events.find((e) => short(e) === 'ChatThreadWithUserDeleted')!;
    expect(deleted.data).toMatchObject({ deletedByCommunicationIdentifier: id(alice), createTime: created.data.createTime });
  });

  it('fills participant events; createTime is the thread creation time', () => {
    const added = events.find((e) => short(e) === 'ChatParticipantAddedToThreadWithUser')!;
    expect(added.data).toMatchObject({
      addedByCommunicationIdentifier: id(alice),
      participantAdded: { displayName: 'Dave', participantCommunicationIdentifier: id(dave) },
      createTime: new Date(threadCreatedOn).toISOString(),
    });
    const removed = events.find((e) => short(e) === 'ChatThreadParticipantRemoved')!;
    expect(removed.data).toMatchObject({
      removedByCommunicationIdentifier: id(alice),
      participantRemoved: { displayName: 'Dave', participantCommunicationIdentifier: id(dave) },
    });
  });

  it('fills the typing indicator', () => {
    const typing = events.find((e) => short(e) === 'ChatTypingIndicatorReceivedInThread')!;
    expect(typing.data).toMatchObject({ senderCommunicationIdentifier: id(bob), senderDisplayName: 'Bob', type: 'Text' });
  });
});

describe('delivery headers and signature', () => {
  it('sends aeg-* headers', () => {
    for (const a of attempts) {
      expect(a.headers['aeg-event-type']).toBe('Notification');
      expect(a.headers['aeg-subscription-name']).toBe('all-events');
      expect(a.headers['aeg-delivery-count']).toBe('0');
      expect(a.headers['aeg-data-version']).toBe('1.0');
      expect(a.headers['aeg-metadata-version']).toBe('1');
      expect(a.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(a.body)).toHaveLength(1);
    }
  });

  it('signs each body with the subscription secret', () => {
    for (const a of attempts) expect(verifySignature(sub.secret, a.headers['parley-signature'] as string, a.body)).toBe(true);
  });

  it('fails verification for a tampered body, another secret, a missing header or a stale timestamp', () => {
    const a = attempts[0]!;
    const header = a.headers['parley-signature'] as string;
    expect(verifySignature(sub.secret, header, a.body.replace('"dataVersion":"1.0"', '"dataVersion":"2.0"'))).toBe(false);
    expect(verifySignature(sub.secret, header, `${a.body} `)).toBe(false);
    expect(verifySignature('another-secret-of-enough-length', header, a.body)).toBe(false);
    expect(verifySignature(sub.secret, undefined, a.body)).toBe(false);
    expect(verifySignature(sub.secret, header, a.body, Date.now() + 3_600_000)).toBe(false);
  });
});
