import type { Message, Participant, ParticipantRef, ReadReceipt, Thread } from '../model.js';

/** Domain → ACS wire JSON (spec §2). */

export const iso = (ms: number): string => new Date(ms).toISOString();

/** `{rawId, communicationUser:{id}}` for ACS users, as the real service answers; `{rawId}` otherwise. */
export function identifier(rawId: string): { rawId: string; communicationUser?: { id: string } } {
  return rawId.startsWith('8:acs:') ? { rawId, communicationUser: { id: rawId } } : { rawId };
}

export function participantRef(p: ParticipantRef) {
  return {
    communicationIdentifier: identifier(p.id),
    ...(p.displayName !== undefined ? { displayName: p.displayName } : {}),
    shareHistoryTime: iso(p.shareHistoryTime ?? 0),
    ...(p.metadata ? { metadata: p.metadata } : {}),
  };
}

export function participant(p: Participant) {
  return participantRef({
    id: p.userId,
    ...(p.displayName !== null ? { displayName: p.displayName } : {}),
    shareHistoryTime: p.shareHistoryTime,
    ...(p.metadata ? { metadata: p.metadata } : {}),
  });
}

export function threadProperties(t: Thread) {
  return {
    id: t.id,
    topic: t.topic,
    createdOn: iso(t.createdOn),
    createdByCommunicationIdentifier: identifier(t.createdBy),
    ...(t.deletedOn !== null ? { deletedOn: iso(t.deletedOn) } : {}),
    ...(t.metadata ? { metadata: t.metadata } : {}),
    ...(t.retention ? { retentionPolicy: t.retention } : {}),
  };
}

export function threadItem(t: Thread) {
  return {
    id: t.id,
    topic: t.topic,
    ...(t.deletedOn !== null ? { deletedOn: iso(t.deletedOn) } : {}),
    ...(t.lastMessageOn !== null ? { lastMessageReceivedOn: iso(t.lastMessageOn) } : {}),
  };
}

export function message(m: Message) {
  const c = m.content;
  const content =
    m.deletedOn !== null
      ? undefined
      : {
          ...(c.message !== undefined ? { message: c.message } : {}),
          ...(c.topic !== undefined ? { topic: c.topic } : {}),
          ...(c.participants ? { participants: c.participants.map(participantRef) } : {}),
          ...(c.initiator ? { initiatorCommunicationIdentifier: identifier(c.initiator) } : {}),
        };
  return {
    id: m.id,
    type: m.type,
    sequenceId: String(m.seq),
    version: m.version,
    ...(content ? { content } : {}),
    ...(m.senderId !== null ? { senderDisplayName: m.senderDisplayName ?? '', senderCommunicationIdentifier: identifier(m.senderId) } : {}),
    createdOn: iso(m.createdOn),
    ...(m.deletedOn !== null ? { deletedOn: iso(m.deletedOn) } : {}),
    ...(m.editedOn !== null ? { editedOn: iso(m.editedOn) } : {}),
    ...(m.metadata && m.deletedOn === null ? { metadata: m.metadata } : {}),
  };
}

export function readReceipt(r: ReadReceipt) {
  return { senderCommunicationIdentifier: identifier(r.userId), chatMessageId: r.messageId, readOn: iso(r.readOn) };
}
