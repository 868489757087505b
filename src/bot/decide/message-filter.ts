/**
 * Decides whether the bot handles an incoming chat message event. Pure: no I/O.
 */
import { isCommandText } from './commands.js';
import { htmlToText } from './text.js';
import type { MessageFormat } from './text.js';

/** Metadata key the bot sets on every post it makes; its presence marks a post as a bot's. */
export const BOT_METADATA_KEY = 'parleyBot';

/** Generic marker other bots may set (`isBot: 'true'`); parley never answers such posts either. */
export const GENERIC_BOT_METADATA_KEY = 'isBot';

/** The fields of a chat message (REST message or real-time event) the filter looks at. */
export interface IncomingMessage {
  /**
   * Message type: `text`, `html`, `topicUpdated`, `participantAdded`, `participantRemoved`.
   * Real-time events spell the first two `Text` and `RichText/Html`; both spellings are accepted.
   */
  type: string;
  /** Raw id of the sender (`8:acs:…`); absent on system messages. */
  senderId?: string;
  /** Message body (plain text or HTML, per `type`). */
  content: string;
  /** Message metadata (string → string, as in ACS). */
  metadata?: Record<string, string>;
}

/** Why a message is not handled. */
export type SkipMessageReason = 'own-post' | 'bot-post' | 'system' | 'command' | 'empty';

/** The filter's verdict. `command` messages go to the command handler, not the translator. */
export type IncomingDecision = { handle: true; format: MessageFormat } | { handle: false; reason: SkipMessageReason };

/** Whether metadata marks a message as posted by a bot (parley or another). */
export function isBotMetadata(metadata: Record<string, string> | undefined): boolean {
  if (!metadata) return false;
  if (Object.hasOwn(metadata, BOT_METADATA_KEY)) return true;
  return metadata[GENERIC_BOT_METADATA_KEY]?.trim().toLowerCase() === 'true';
}

/** Maps a message type to a body format, or `null` for system and unknown types. */
export function messageFormat(type: string): MessageFormat | null {
  const t = type.trim().toLowerCase();
  if (t === 'text') return 'text';
  if (t === 'html' || t === 'richtext/html') return 'html';
  return null;
}

/**
 * Classifies an incoming message, checks in this order: system (any type other than text/html),
 * own post (`senderId === botUserId`), another bot's post (metadata), empty body (blank after
 * stripping HTML), `/parley` command. Everything else is handled in its format.
 */
export function classifyIncoming(msg: IncomingMessage, botUserId: string): IncomingDecision {
  const format = messageFormat(msg.type);
  if (format === null) return { handle: false, reason: 'system' };
  if (msg.senderId !== undefined && msg.senderId.trim() === botUserId.trim()) return { handle: false, reason: 'own-post' };
  if (isBotMetadata(msg.metadata)) return { handle: false, reason: 'bot-post' };
  const text = format === 'html' ? htmlToText(msg.content) : msg.content;
  if (text.trim().length === 0) return { handle: false, reason: 'empty' };
  if (isCommandText(text)) return { handle: false, reason: 'command' };
  return { handle: true, format };
}
