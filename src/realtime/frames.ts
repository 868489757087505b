import type { ChatEvent } from '../chat/events.js';
import type { ParticipantRef } from '../chat/model.js';

/**
 * Real-time frames: `{ "type": <event name>, "payload": {...} }`. Payload fields mirror the ACS JS
 * SDK's event types (`ChatMessageReceivedEvent`, …; dates as ISO strings), plus `sequenceId` where
 * the event is a message in the thread's history.
 */
export interface Frame {
  type: string;
  payload: Record<string, unknown>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** CommunicationIdentifierKind of the SDK. */
export const identifierKind = (rawId: string) =>
  rawId.startsWith('8:acs:') ? { kind: 'communicationUser', communicationUserId: rawId } : { kind: 'unknown', id: rawId };

const signalingParticipant = (p: ParticipantRef) => ({
  id: identifierKind(p.id),
  displayName: p.displayName ?? '',
  ...(p.shareHistoryTime !== undefined ? { shareHistoryTime: iso(p.shareHistoryTime) } : {}),
  metadata: p.metadata ?? {},
});

const actor = (id: string) => signalingParticipant({ id });

/** Whether a recipient gets a frame for an event at all: everyone but the typist hears typing. */
export const delivers = (event: ChatEvent, recipient: string): boolean =>
  event.type !== 'typingIndicatorReceived' || event.sender !== recipient;

/** The frame one recipient gets for an event; `null` when that recipient gets nothing (own typing). */
export function frameFor(event: ChatEvent, recipient: string): Frame | null {
  if (!delivers(event, recipient)) return null;
  const to = identifierKind(recipient);
  switch (event.type) {
    case 'chatMessageReceived':
    case 'chatMessageEdited':
    case 'chatMessageDeleted': {
      const m = event.message;
      const base = {
        threadId: event.threadId,
        sender: identifierKind(m.senderId ?? ''),
        senderDisplayName: m.senderDisplayName ?? '',
        recipient: to,
        id: m.id,
        createdOn: iso(m.createdOn),
        version: m.version,
        type: m.type,
        sequenceId: String(m.seq),
      };
      if (event.type === 'chatMessageDeleted') return { type: event.type, payload: { ...base, deletedOn: iso(m.deletedOn ?? 0) } };
      const received = { ...base, message: m.content.message ?? '', metadata: m.metadata ?? {} };
      if (event.type === 'chatMessageReceived') return { type: event.type, payload: received };
      return { type: event.type, payload: { ...received, editedOn: iso(m.editedOn ?? 0) } };
    }
    case 'typingIndicatorReceived':
      return {
        type: event.type,
        payload: {
          threadId: event.threadId,
          sender: identifierKind(event.sender),
          senderDisplayName: event.senderDisplayName,
          recipient: to,
          version: String(event.at),
          receivedOn: iso(event.at),
        },
      };
    case 'readReceiptReceived':
      return {
        type: event.type,
        payload: {
          threadId: event.threadId,
          sender: identifierKind(event.sender),
          senderDisplayName: '',
          recipient: to,
          chatMessageId: event.messageId,
          readOn: iso(event.readOn),
        },
      };
    case 'chatThreadCreated':
      return {
        type: event.type,
        payload: {
          threadId: event.threadId,
          version: String(event.thread.createdOn),
          createdOn: iso(event.thread.createdOn),
          properties: { topic: event.thread.topic, metadata: event.thread.metadata ?? {} },
          participants: event.participants.map(signalingParticipant),
          createdBy: actor(event.thread.createdBy),
          ...(event.thread.retention ? { retentionPolicy: event.thread.retention } : {}),
          sequenceId: String(event.seq),
        },
      };
    case 'chatThreadDeleted':
      // `reason` takes the SDK's DeleteReason values; only users delete live (policy purges are silent).
      return {
        type: event.type,
        payload: { threadId: event.threadId, version: String(event.at), deletedOn: iso(event.at), deletedBy: actor(event.deletedBy), reason: 'deletedByUser' },
      };
    case 'chatThreadPropertiesUpdated':
      return {
        type: event.type,
        payload: {
          threadId: event.threadId,
          version: String(event.at),
          properties: { topic: event.thread.topic, metadata: event.thread.metadata ?? {} },
          updatedOn: iso(event.at),
          updatedBy: actor(event.updatedBy),
          ...(event.thread.retention ? { retentionPolicy: event.thread.retention } : {}),
          ...(event.seq !== null ? { sequenceId: String(event.seq) } : {}),
        },
      };
    case 'participantsAdded':
      return {
        type: event.type,
        payload: {
          threadId: event.threadId,
          version: String(event.at),
          addedOn: iso(event.at),
          participantsAdded: event.added.map(signalingParticipant),
          addedBy: actor(event.addedBy),
          sequenceId: String(event.seq),
        },
      };
    case 'participantsRemoved':
      return {
        type: event.type,
        payload: {
          threadId: event.threadId,
          version: String(event.at),
          removedOn: iso(event.at),
          participantsRemoved: event.removed.map(signalingParticipant),
          removedBy: actor(event.removedBy),
          sequenceId: String(event.seq),
        },
      };
  }
}

/** Stands in for the recipient while an event is serialised once; no raw id can equal it. */
const PLACEHOLDER = '\u0000recipient';
const PLACEHOLDER_JSON = JSON.stringify(identifierKind(PLACEHOLDER));

/**
 * The JSON text of each recipient's frame for one event, serialised once: frames differ only in
 * `recipient`, whose JSON is spliced in. Equal to `JSON.stringify(frameFor(event, recipient))`.
 * With 250 recipients this replaces 250 object builds and stringifications by one.
 */
export function encodeFrames(event: ChatEvent): (recipient: string) => string | null {
  // The placeholder is never the typist, so every event type yields a template frame.
  const json = JSON.stringify(frameFor(event, PLACEHOLDER));
  // `recipient` precedes all user-supplied text in the payload, and JSON escapes quotes inside
  // strings, so the first structural match is the one; events without `recipient` have none.
  const at = json.indexOf(PLACEHOLDER_JSON);
  const head = at < 0 ? json : json.slice(0, at);
  const tail = at < 0 ? '' : json.slice(at + PLACEHOLDER_JSON.length);
  return (recipient) => {
    if (!delivers(event, recipient)) return null;
    return at < 0 ? json : head + JSON.stringify(identifierKind(recipient)) + tail;
  };
}
