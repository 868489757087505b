/** Domain types of the chat backend. Times are epoch milliseconds; identities are raw ids (`8:acs:…`). */

export type Metadata = Record<string, string>;

export type RetentionPolicy = { kind: 'threadCreationDate'; deleteThreadAfterDays: number } | { kind: 'none' };

export interface Thread {
  id: string;
  topic: string;
  createdOn: number;
  createdBy: string;
  metadata: Metadata | null;
  retention: RetentionPolicy | null;
  deletedOn: number | null;
  lastMessageOn: number | null;
  /** Last time anything happened in the thread; drives the 30-days-idle rule. */
  lastActivity: number;
  lastSeq: number;
}

export interface Participant {
  threadId: string;
  userId: string;
  displayName: string | null;
  shareHistoryTime: number;
  metadata: Metadata | null;
  addedOn: number;
  removedOn: number | null;
  /** Sequence id of the thread at removal: a removed participant reads history up to here. */
  removedSeq: number | null;
  /** The thread as it was at the removal: what a removed participant keeps seeing of it. */
  removedView: ThreadSnapshot | null;
}

/** The properties of a thread at one moment (a removed participant's view of it). */
export interface ThreadSnapshot {
  topic: string;
  metadata: Metadata | null;
  retention: RetentionPolicy | null;
  lastMessageOn: number | null;
}

/** An earlier state of an edited message, and when (change stamp) it was replaced. */
export interface MessageRevision {
  replacedAt: number;
  content: MessageContent;
  metadata: Metadata | null;
  editedOn: number | null;
  version: string;
}

export type MessageType = 'text' | 'html' | 'topicUpdated' | 'participantAdded' | 'participantRemoved';

export interface ParticipantRef {
  id: string;
  displayName?: string;
  shareHistoryTime?: number;
  metadata?: Metadata;
}

export interface MessageContent {
  message?: string;
  topic?: string;
  participants?: ParticipantRef[];
  initiator?: string;
}

export interface Message {
  threadId: string;
  id: string;
  seq: number;
  type: MessageType;
  senderId: string | null;
  senderDisplayName: string | null;
  content: MessageContent;
  metadata: Metadata | null;
  createdOn: number;
  editedOn: number | null;
  deletedOn: number | null;
  version: string;
}

export interface ReadReceipt {
  threadId: string;
  userId: string;
  messageId: string;
  readOn: number;
}

/** Limits from the ACS service-limits page (spec §10). */
export const LIMITS = {
  participantsPerThread: 250,
  participantsPerBatch: 200,
  /** "approximately 28 KB": content bytes (UTF-8). */
  messageBytes: 28 * 1024,
  metadataBytes: 1024,
  maxPageSize: 200,
  defaultPageSize: 100,
  /** Read receipts and typing indicators are not supported above this many participants. */
  receiptsAndTypingMaxParticipants: 20,
  idleDaysWithoutParticipants: 30,
  retentionMinDays: 30,
  retentionMaxDays: 90,
  topicChars: 512,
  displayNameChars: 256,
} as const;

export const DAY_MS = 24 * 60 * 60 * 1000;
