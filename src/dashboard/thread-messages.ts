import type { Bot } from '../bot/bot.js';
import { htmlToText } from '../bot/decide/text.js';
import { ApiError } from '../chat/errors.js';
import { ChatApiError } from '../client/errors.js';
import type { WireMessage } from '../client/chat-rest-client.js';
import { compareVersions, foldThread, readBotPost, senderIdOf, type BotPost, type FoldInput } from '../client/fold/index.js';

/** One target language of a message, as the bot left it. */
export interface LanguageRow {
  language: string;
  state: 'ready' | 'skipped' | 'failed';
  /** The translation (plain text), when ready. */
  text?: string;
  /** Why not, when skipped or failed. */
  reason?: string;
}

/** One original of a thread as an operator reads it: the text, every translation, the analysis. */
export interface MessageRow {
  id: string;
  sender: string;
  /** ISO time it was sent. */
  createdOn: string;
  edited: boolean;
  /** `text`, `html` (shown as plain text), or `system` (participants, topic). */
  format: 'text' | 'html' | 'system';
  /** The original as plain text (empty for system messages). */
  text: string;
  /** The language the bot detected the original in. */
  sourceLanguage?: string;
  languages: LanguageRow[];
  sentiment?: string;
  /** Not handled yet: sent or edited recently and no bot post for this version. */
  pending: boolean;
  /** The bot's own post (its greeting), not a participant's message. */
  fromBot: boolean;
}

/** Raw messages read at most (bot posts interleave with originals, about one to one). */
const MAX_READ = 400;

function toFoldInput(m: WireMessage): FoldInput {
  const rawId = m.senderCommunicationIdentifier?.rawId ?? m.senderCommunicationIdentifier?.communicationUser?.id;
  return {
    id: m.id,
    type: m.type as FoldInput['type'],
    sequenceId: m.sequenceId,
    version: m.version,
    content: m.content as FoldInput['content'],
    senderDisplayName: m.senderDisplayName,
    createdOn: new Date(m.createdOn),
    editedOn: m.editedOn ? new Date(m.editedOn) : undefined,
    deletedOn: m.deletedOn ? new Date(m.deletedOn) : undefined,
    sender: rawId ? { kind: 'communicationUser', communicationUserId: rawId } : undefined,
    metadata: m.metadata,
  };
}

const plain = (text: string, format: MessageRow['format']) => (format === 'html' ? htmlToText(text) : text);

/**
 * The newest `limit` originals of a thread, read through the bot's own client (it is a participant)
 * and folded as the web chat folds them — bot posts never as rows of their own, commands and their
 * replies left out — with every language the bot handled and its state. Read-only.
 */
export async function threadMessages(bot: Bot, threadId: string, limit = 30): Promise<MessageRow[]> {
  const raw: FoldInput[] = [];
  try {
    for await (const m of bot.client.listMessages(threadId, { maxPageSize: 100 })) {
      raw.push(toFoldInput(m));
      if (raw.length >= MAX_READ) break;
    }
  } catch (err) {
    if (err instanceof ChatApiError && (err.status === 403 || err.status === 404)) {
      throw new ApiError(404, 'ThreadNotReadable', 'The bot cannot read this thread: it is not (or no longer) a participant.');
    }
    throw err;
  }
  // Each original's newest bot post, for the per-language states the fold does not keep.
  const posts = new Map<string, BotPost>();
  for (const m of raw) {
    if (m.deletedOn || senderIdOf(m) !== bot.botId || !m.metadata) continue;
    const format = String(m.type).toLowerCase() === 'html' ? 'html' : 'text';
    const post = readBotPost(m.metadata, m.content?.message ?? '', format);
    const seen = post && posts.get(post.sourceId);
    if (post && (!seen || compareVersions(post.sourceVersion, seen.sourceVersion) >= 0)) posts.set(post.sourceId, post);
  }
  const folded = foldThread(raw, { readerLanguages: [], botId: bot.botId }).messages.slice(-limit);
  return folded.map((f) => {
    const post = posts.get(f.message.id);
    const current = post && compareVersions(post.sourceVersion, f.message.version) >= 0 ? post : undefined;
    const languages: LanguageRow[] = Object.entries(current?.languages ?? {}).map(([language, r]) =>
      r.state === 'ready' ? { language, state: 'ready', text: plain(f.translations[language] ?? r.text ?? '', f.format) } : { language, state: r.state, reason: r.reason },
    );
    const recent = Date.now() - (f.message.editedOn ?? f.message.createdOn).getTime() < 120_000;
    return {
      id: f.message.id,
      sender: f.message.senderDisplayName || (f.format === 'system' ? 'system' : 'someone'),
      createdOn: f.message.createdOn.toISOString(),
      edited: Boolean(f.message.editedOn),
      format: f.format,
      text: f.format === 'system' ? systemText(f.message) : plain(f.original, f.format),
      sourceLanguage: f.sourceLanguage,
      languages,
      sentiment: f.sentiment,
      pending: !current && !f.fromBot && f.format !== 'system' && recent,
      fromBot: f.fromBot,
    };
  });
}

/** A one-line description of a system message. */
function systemText(m: FoldInput): string {
  const t = String(m.type);
  const content = m.content as { topic?: string; participants?: Array<{ displayName?: string }> } | undefined;
  if (t === 'topicUpdated') return `topic changed to “${content?.topic ?? ''}”`;
  const names = (content?.participants ?? []).map((p) => p.displayName || 'someone').join(', ');
  if (t === 'participantAdded') return `${names || 'someone'} joined`;
  if (t === 'participantRemoved') return `${names || 'someone'} left`;
  return t;
}
