import type { Message, ParticipantRef, Thread } from './model.js';

/**
 * What the chat service publishes after each committed change. `recipients` are the raw ids that
 * should hear about it (current participants, plus the removed ones on their own removal); the
 * real-time and webhook layers turn these into wire events.
 */
export type ChatEvent =
  | { type: 'chatMessageReceived'; threadId: string; message: Message; recipients: string[] }
  | { type: 'chatMessageEdited'; threadId: string; message: Message; recipients: string[] }
  | { type: 'chatMessageDeleted'; threadId: string; message: Message; recipients: string[] }
  | { type: 'typingIndicatorReceived'; threadId: string; sender: string; senderDisplayName: string; at: number; recipients: string[] }
  | { type: 'readReceiptReceived'; threadId: string; sender: string; messageId: string; readOn: number; recipients: string[] }
  | { type: 'chatThreadCreated'; threadId: string; thread: Thread; participants: ParticipantRef[]; seq: number; recipients: string[] }
  | { type: 'chatThreadDeleted'; threadId: string; deletedBy: string; at: number; recipients: string[] }
  | { type: 'chatThreadPropertiesUpdated'; threadId: string; thread: Thread; updatedBy: string; at: number; seq: number | null; recipients: string[] }
  | { type: 'participantsAdded'; threadId: string; added: ParticipantRef[]; addedBy: string; at: number; seq: number; recipients: string[] }
  | { type: 'participantsRemoved'; threadId: string; removed: ParticipantRef[]; removedBy: string; at: number; seq: number; recipients: string[] };

export type ChatEventType = ChatEvent['type'];
