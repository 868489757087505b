import type { ChatMessage } from '@azure/communication-chat';

/** The fields of an SDK `ChatMessage` the fold reads (events can be mapped into this shape). */
export type FoldInput = Pick<ChatMessage, 'id' | 'type' | 'sequenceId' | 'version' | 'content' | 'senderDisplayName' | 'createdOn' | 'sender' | 'deletedOn' | 'editedOn' | 'metadata'>;

/** Sentiment labels of parley's analysis. */
export type Sentiment = 'positive' | 'neutral' | 'negative' | 'mixed';

/** Why the reader sees the original text. */
export type OriginalReason =
  /** The reader sent it. */
  | 'own'
  /** The reader has said no languages. */
  | 'no-languages'
  /** The bot saw no need to translate it for this reader: it is in a language the reader reads. */
  | 'readable'
  /** No translation came (the bot is not in the thread, or it let the message be). */
  | 'no-translation'
  /** A system message (participants, topic). */
  | 'system';

/** What the reader is shown for one original. */
export type ReaderState =
  | { kind: 'translated'; language: string }
  | { kind: 'original'; reason: OriginalReason }
  /** The bot has not posted for this version yet (recently sent or edited). */
  | { kind: 'pending' }
  /** The bot tried one of the reader's languages and could not translate (`skipped` or `failed`). */
  | { kind: 'not-translated'; language: string; reason: string };

/** One original as a reader sees it. Bot posts never appear as entries of their own. */
export interface FoldedMessage {
  /** The original message, as given. */
  message: FoldInput;
  /** Raw id of the sender; undefined for system messages. */
  senderId: string | undefined;
  /** `text` or `html` for chat messages, `system` for participant and topic changes. */
  format: 'text' | 'html' | 'system';
  /** The text to show: the chosen translation, or the original. Same format as the original. */
  shown: string;
  /** The original's own text. */
  original: string;
  state: ReaderState;
  /** The original's language when the bot detected it (`parleySourceLanguage`). */
  sourceLanguage?: string;
  /** Every translation the bot posted for the current version (language → text). */
  translations: Readonly<Record<string, string>>;
  /** The bot's analysis of the current version, when it posted one. */
  sentiment?: Sentiment;
  /** An ordinary post by the bot itself (a greeting), not folded into anything. */
  fromBot: boolean;
}

/** The bot's reply to a `/parley` command (hidden from the history; a client may show it as a notice). */
export interface CommandReply {
  /** The command message it answers. */
  commandId: string;
  /** Who sent the command, when the command is among the given messages. */
  commandSenderId: string | undefined;
  text: string;
  createdOn: Date;
}

/** The reader's view of a thread. */
export interface FoldedThread {
  /** Oldest first (by `sequenceId`). */
  messages: FoldedMessage[];
  /** Replies to commands, oldest first. */
  replies: CommandReply[];
}

export interface FoldOptions {
  /** Languages the reader reads, in order of preference (ISO 639-1 codes). */
  readerLanguages: readonly string[];
  /** The reader's raw id: their own messages are shown as sent. */
  readerId?: string;
  /**
   * The bot's raw id (from `GET /parley/bot`). Only posts sent by this identity are treated as
   * translations; without it nothing is folded and nothing is pending.
   */
  botId?: string;
  /** Epoch ms, for the pending window. @defaultValue Date.now() */
  now?: number;
  /**
   * How long after a message is sent or edited a missing translation counts as pending; after it,
   * or once the bot has posted for a later message, the original is shown without translation.
   * @defaultValue 60000
   */
  pendingMs?: number;
}
