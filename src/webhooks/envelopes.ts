import { randomUUID } from 'node:crypto';
import type { ChatEvent } from '../chat/events.js';
import type { Message, ParticipantRef } from '../chat/model.js';
import { identifier } from '../chat/http/serialize.js';

/** An Event Grid schema event (spec §9.1). */
export interface EventGridEvent {
  id: string;
  topic: string;
  subject: string;
  eventType: string;
  eventTime: string;
  data: Record<string, unknown>;
  dataVersion: '1.0';
  metadataVersion: '1';
}

const NS = 'Microsoft.Communication.';
const iso = (ms: number) => new Date(ms).toISOString();
const capitalized = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);
const participant = (p: ParticipantRef) => ({
  ...(p.displayName !== undefined ? { displayName: p.displayName } : {}),
  participantCommunicationIdentifier: identifier(p.id),
  ...(p.metadata ? { metadata: p.metadata } : {}),
});

/** Every Event Grid event type parley emits, thread-level and per-user. */
export const EVENT_GRID_TYPES = [
  'ChatMessageReceived', 'ChatMessageReceivedInThread', 'ChatMessageEdited', 'ChatMessageEditedInThread',
  'ChatMessageDeleted', 'ChatMessageDeletedInThread', 'ChatThreadCreated', 'ChatThreadCreatedWithUser',
  'ChatThreadDeleted', 'ChatThreadWithUserDeleted', 'ChatThreadPropertiesUpdated', 'ChatThreadPropertiesUpdatedPerUser',
  'ChatThreadParticipantAdded', 'ChatParticipantAddedToThreadWithUser', 'ChatThreadParticipantRemoved',
  'ChatParticipantRemovedFromThreadWithUser', 'ChatTypingIndicatorReceivedInThread',
].map((t) => NS + t);

/**
 * Expands one chat event into Event Grid events (spec §9.2–9.3): one thread-level event, and one
 * per-user event for each recipient except the actor. Ids are fresh UUIDs, stored with the outbox
 * row, so every redelivery carries the same id. `threadCreatedOn` looks up a thread's creation time
 * (epoch ms) for the events whose chat event does not carry the thread (`createTime`).
 */
export function toEventGrid(
  event: ChatEvent,
  topic: string,
  threadCreatedOn: (threadId: string) => number | undefined = () => undefined,
): EventGridEvent[] {
  const make = (type: string, subject: string, at: number, data: Record<string, unknown>): EventGridEvent => ({
    id: randomUUID(),
    topic,
    subject,
    eventType: NS + type,
    eventTime: iso(at),
    data: { threadId: event.threadId, transactionId: randomUUID(), ...data },
    dataVersion: '1.0',
    metadataVersion: '1',
  });
  const thread = `thread/${event.threadId}`;
  const perUser = (actor: string, build: (recipient: string) => EventGridEvent) =>
    event.recipients.filter((r) => r !== actor).map(build);
  const withRecipient = (r: string) => ({ recipientCommunicationIdentifier: identifier(r) });

  switch (event.type) {
    case 'chatMessageReceived':
    case 'chatMessageEdited':
    case 'chatMessageDeleted': {
      const m = event.message;
      const sender = m.senderId ?? '';
      const kind = { chatMessageReceived: 'Received', chatMessageEdited: 'Edited', chatMessageDeleted: 'Deleted' }[event.type];
      const at = event.type === 'chatMessageEdited' ? m.editedOn! : event.type === 'chatMessageDeleted' ? m.deletedOn! : m.createdOn;
      const data = messageData(m, event.type);
      return [
        make(`ChatMessage${kind}InThread`, `${thread}/sender/${sender}`, at, data),
        ...perUser(sender, (r) => make(`ChatMessage${kind}`, `${thread}/sender/${sender}/recipient/${r}`, at, { ...data, ...withRecipient(r) })),
      ];
    }
    case 'typingIndicatorReceived':
      return [
        make('ChatTypingIndicatorReceivedInThread', `${thread}/sender/${event.sender}`, event.at, {
          senderCommunicationIdentifier: identifier(event.sender),
          senderDisplayName: event.senderDisplayName,
          composeTime: iso(event.at),
          version: event.at,
          messageBody: '',
          metadata: {},
          type: 'Text',
        }),
      ];
    case 'readReceiptReceived':
      return []; // Event Grid has no read-receipt event.
    case 'chatThreadCreated': {
      const t = event.thread;
      const data = {
        createTime: iso(t.createdOn),
        version: t.createdOn,
        createdByCommunicationIdentifier: identifier(t.createdBy),
        properties: { topic: t.topic },
        metadata: t.metadata ?? {},
        participants: event.participants.map(participant),
      };
      return [
        make('ChatThreadCreated', `${thread}/createdBy/${t.createdBy}`, t.createdOn, data),
        ...perUser(t.createdBy, (r) =>
          make('ChatThreadCreatedWithUser', `${thread}/createdBy/${t.createdBy}/recipient/${r}`, t.createdOn, { ...data, ...withRecipient(r) }),
        ),
      ];
    }
    case 'chatThreadDeleted': {
      const createdOn = threadCreatedOn(event.threadId);
      const data = {
        ...(createdOn !== undefined ? { createTime: iso(createdOn) } : {}),
        deleteTime: iso(event.at),
        version: event.at,
        deletedByCommunicationIdentifier: identifier(event.deletedBy),
      };
      return [
        make('ChatThreadDeleted', `${thread}/deletedBy/${event.deletedBy}`, event.at, data),
        ...perUser(event.deletedBy, (r) =>
          make('ChatThreadWithUserDeleted', `${thread}/deletedBy/${event.deletedBy}/recipient/${r}`, event.at, { ...data, ...withRecipient(r) }),
        ),
      ];
    }
    case 'chatThreadPropertiesUpdated': {
      const data = {
        createTime: iso(event.thread.createdOn),
        version: event.at,
        editedByCommunicationIdentifier: identifier(event.updatedBy),
        editTime: iso(event.at),
        properties: { topic: event.thread.topic },
        metadata: event.thread.metadata ?? {},
      };
      return [
        make('ChatThreadPropertiesUpdated', `${thread}/editedBy/${event.updatedBy}`, event.at, data),
        ...perUser(event.updatedBy, (r) =>
          make('ChatThreadPropertiesUpdatedPerUser', `${thread}/editedBy/${event.updatedBy}/recipient/${r}`, event.at, { ...data, ...withRecipient(r) }),
        ),
      ];
    }
    case 'participantsAdded':
    case 'participantsRemoved': {
      const added = event.type === 'participantsAdded';
      const actor = added ? event.addedBy : event.removedBy;
      const people = added ? event.added : event.removed;
      const createTime = iso(threadCreatedOn(event.threadId) ?? event.at);
      return people.flatMap((p) => {
        const data = {
          time: iso(event.at),
          version: event.at,
          [added ? 'addedByCommunicationIdentifier' : 'removedByCommunicationIdentifier']: identifier(actor),
          [added ? 'participantAdded' : 'participantRemoved']: participant(p),
        };
        const what = added ? 'participantAdded' : 'participantRemoved';
        return [
          make(added ? 'ChatThreadParticipantAdded' : 'ChatThreadParticipantRemoved', `${thread}/${what.toLowerCase()}/${p.id}`, event.at, data),
          ...perUser(actor, (r) =>
            make(
              added ? 'ChatParticipantAddedToThreadWithUser' : 'ChatParticipantRemovedFromThreadWithUser',
              `${thread}/${what}/${p.id}/recipient/${r}`,
              event.at,
              { ...data, createTime, ...withRecipient(r) },
            ),
          ),
        ];
      });
    }
  }
}

function messageData(m: Message, type: ChatEvent['type']): Record<string, unknown> {
  return {
    messageId: m.id,
    senderCommunicationIdentifier: identifier(m.senderId ?? ''),
    senderDisplayName: m.senderDisplayName ?? '',
    composeTime: iso(m.createdOn),
    type: capitalized(m.type),
    version: Number(m.version),
    ...(type === 'chatMessageDeleted'
      ? { deleteTime: iso(m.deletedOn ?? 0) }
      : { messageBody: m.content.message ?? '', metadata: m.metadata ?? {} }),
    ...(type === 'chatMessageEdited' ? { editTime: iso(m.editedOn ?? 0) } : {}),
  };
}
