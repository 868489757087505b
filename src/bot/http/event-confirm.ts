import type { ChatRestClient, WireMessage } from '../../client/chat-rest-client.js';
import { ChatApiError } from '../../client/errors.js';
import type { RealtimeFrame } from '../../client/realtime-connection.js';

type P = Record<string, unknown>;

/** What {@link confirmFrame} needs: the bot's own REST client (it is a participant) and its id. */
export interface ConfirmDeps {
  client: ChatRestClient;
  botId: string;
  /** @defaultValue Date.now */
  clock?: () => number;
}

const gone = (err: unknown): boolean => err instanceof ChatApiError && (err.status === 403 || err.status === 404);

/**
 * Treats a webhook event as a hint and returns the frame the backend itself vouches for, or `null`
 * when the backend does not confirm it. A signed delivery can still be replayed or come from a
 * leaked secret, so nothing it claims is acted on unchecked:
 *
 * - a message event becomes the message as the bot reads it over REST now (text, sender, version,
 *   times from the backend); a message that does not exist, or a thread the bot cannot read, yields
 *   nothing; a delete counts only when the bot can no longer read the message;
 * - "bot removed" and "thread deleted" count only when the backend refuses the bot the thread
 *   (403/404); "bot added" only when the bot is listed as a participant.
 *
 * Transient failures (5xx, network) throw, so the delivery is answered with an error and redelivered.
 */
export async function confirmFrame(frame: RealtimeFrame, deps: ConfirmDeps): Promise<RealtimeFrame | null> {
  const p = frame.payload as P;
  const threadId = typeof p.threadId === 'string' ? p.threadId : '';
  if (!threadId) return null;
  const now = (deps.clock ?? Date.now)();
  switch (frame.type) {
    case 'chatMessageReceived':
    case 'chatMessageEdited':
    case 'chatMessageDeleted':
      return confirmMessage(frame.type, threadId, p, deps, now);
    case 'participantsRemoved':
    case 'chatThreadDeleted':
      return (await isMember(threadId, deps)) ? null : frame;
    case 'participantsAdded': {
      if (!(await isMember(threadId, deps))) return null;
      // The join time seeds the thread's cursor: never later than now, or catch-up would skip messages.
      const addedOn = Math.min(Date.parse(String(p.addedOn)) || now, now);
      return { type: frame.type, payload: { ...p, addedOn: new Date(addedOn).toISOString() } };
    }
    default:
      return null;
  }
}

async function confirmMessage(type: string, threadId: string, p: P, deps: ConfirmDeps, now: number): Promise<RealtimeFrame | null> {
  const messageId = String(p.id ?? '');
  if (!/^\d{1,20}$/.test(messageId)) return null;
  let message: WireMessage | null;
  try {
    message = await deps.client.getMessage(threadId, messageId);
  } catch (err) {
    if (!(err instanceof ChatApiError) || (err.status !== 403 && err.status !== 404)) throw err;
    if (err.status === 403) return null; // the bot is not (or no longer) in this thread
    message = null;
  }
  if (message && !message.deletedOn) return frameFromWire(threadId, message);
  if (type !== 'chatMessageDeleted') return null;
  // Deleted (ACS answers 404 for a deleted message): taking the bot's translation down is all a
  // delete does. Its time moves the thread's cursor, so it is never taken as later than now.
  const deletedOn = Math.min(Date.parse(String(message?.deletedOn ?? p.deletedOn)) || now, now);
  const version = message?.version ?? (/^\d{1,20}$/.test(String(p.version)) ? String(p.version) : messageId);
  return {
    type: 'chatMessageDeleted',
    payload: { threadId, id: messageId, version, type: message?.type ?? 'text', sender: { communicationUserId: senderOf(message) ?? '' }, deletedOn: new Date(deletedOn).toISOString() },
  };
}

/** The frame a message read over REST stands for: its latest change (edited or received). */
export function frameFromWire(threadId: string, m: WireMessage): RealtimeFrame {
  return {
    type: m.editedOn ? 'chatMessageEdited' : 'chatMessageReceived',
    payload: {
      threadId,
      id: m.id,
      version: m.version,
      type: m.type,
      sender: { communicationUserId: senderOf(m) ?? '' },
      ...(m.senderDisplayName !== undefined ? { senderDisplayName: m.senderDisplayName } : {}),
      metadata: m.metadata ?? {},
      message: m.content?.message ?? '',
      createdOn: m.createdOn,
      ...(m.editedOn ? { editedOn: m.editedOn } : {}),
    },
  };
}

function senderOf(m: WireMessage | null): string | undefined {
  return m?.senderCommunicationIdentifier?.communicationUser?.id ?? m?.senderCommunicationIdentifier?.rawId;
}

/** True while the bot is a current participant of the thread; false when the backend refuses it. */
async function isMember(threadId: string, deps: ConfirmDeps): Promise<boolean> {
  try {
    const participants = await deps.client.listParticipants(threadId);
    return participants.some((x) => (x.communicationIdentifier.communicationUser?.id ?? x.communicationIdentifier.rawId) === deps.botId);
  } catch (err) {
    if (gone(err)) return false;
    throw err;
  }
}
