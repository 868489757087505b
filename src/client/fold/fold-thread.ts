/**
 * Folding: what one reader sees of a thread. Each original is shown once, in the reader's language
 * when the bot translated it; the bot's posts are folded into their originals, never shown apart;
 * commands and the bot's replies to them are not history. Pure: no I/O, no clock unless given.
 */
import { isCommandText } from '../../bot/decide/commands.js';
import { htmlToText } from '../../bot/decide/text.js';
import { FOLDED_KINDS, readBotPost, type BotPost } from './bot-post.js';
import type { CommandReply, FoldedMessage, FoldedThread, FoldInput, FoldOptions, ReaderState } from './types.js';

/**
 * Folds a thread's messages (any order, any mix of pages and live updates; the newest version of
 * each id wins, deleted messages are dropped with their translations) for one reader.
 *
 * Trust: a post counts as the bot's only when its sender is `botId`. A participant's message that
 * carries `parleyBot` metadata is an ordinary message, so nobody can forge a translation.
 */
export function foldThread(input: Iterable<FoldInput>, options: FoldOptions): FoldedThread {
  const messages = newestVersions(input);
  const posts = new Map<string, BotPost>();
  const replies: Array<{ post: BotPost; message: FoldInput }> = [];
  const originals: FoldInput[] = [];

  for (const m of messages) {
    if (m.deletedOn) continue;
    const format = formatOf(m);
    const body = m.content?.message ?? '';
    const trusted = options.botId !== undefined && senderIdOf(m) === options.botId;
    const post = trusted && format !== 'system' && m.metadata ? readBotPost(m.metadata, body, format) : null;
    if (post && FOLDED_KINDS.has(post.kind)) {
      const seen = posts.get(post.sourceId);
      if (!seen || compareVersions(post.sourceVersion, seen.sourceVersion) >= 0) posts.set(post.sourceId, post);
    } else if (post && post.kind === 'reply') {
      replies.push({ post, message: m });
    } else if (isCommandText(textOf(m))) {
      continue;
    } else {
      originals.push(m);
    }
  }

  const byId = new Map(messages.map((m) => [m.id, m]));
  // The bot works through a thread roughly in order: a message older than one it has already
  // posted for, with no post of its own, was let be (too short, nothing to translate), not pending.
  let settledSeq = -1;
  for (const m of originals) if (posts.get(m.id)?.sourceVersion === m.version) settledSeq = Math.max(settledSeq, Number(m.sequenceId));
  const folded = originals.map((m) => foldOne(m, posts.get(m.id), { ...options, settled: Number(m.sequenceId) < settledSeq }));
  return {
    messages: folded.sort((a, b) => Number(a.message.sequenceId) - Number(b.message.sequenceId)),
    replies: replies.map(({ post, message }) => replyOf(post, message, byId)),
  };
}

type OneOptions = FoldOptions & { settled: boolean };

function foldOne(m: FoldInput, post: BotPost | undefined, options: OneOptions): FoldedMessage {
  const format = formatOf(m);
  const original = format === 'system' ? '' : (m.content?.message ?? '');
  const senderId = senderIdOf(m);
  // A post for an older version is stale: its translation is of text the original no longer has.
  const current = post && compareVersions(post.sourceVersion, m.version) >= 0 ? post : undefined;
  const translations: Record<string, string> = {};
  for (const [lang, r] of Object.entries(current?.languages ?? {})) if (r.state === 'ready' && r.text !== undefined) translations[lang] = r.text;
  const base = {
    message: m,
    senderId,
    format,
    original,
    translations,
    sourceLanguage: current?.sourceLanguage,
    sentiment: current?.sentiment,
    fromBot: options.botId !== undefined && senderId === options.botId,
  };
  let state = readerState(m, format, current, options);
  // A "translation" identical to the original (a name, a greeting both languages share, a language
  // the bot could not tell) changes nothing for the reader: no "translated" marker on it.
  if (state.kind === 'translated' && translations[state.language]!.trim() === original.trim()) state = { kind: 'original', reason: 'readable' };
  return { ...base, state, shown: state.kind === 'translated' ? translations[state.language]! : original };
}

function readerState(m: FoldInput, format: FoldedMessage['format'], post: BotPost | undefined, options: OneOptions): ReaderState {
  if (format === 'system') return { kind: 'original', reason: 'system' };
  const senderId = senderIdOf(m);
  if (options.readerId !== undefined && senderId === options.readerId) return { kind: 'original', reason: 'own' };
  if (options.botId !== undefined && senderId === options.botId) return { kind: 'original', reason: 'no-translation' };
  const wanted = options.readerLanguages.map((l) => l.toLowerCase());
  if (!wanted.length) return { kind: 'original', reason: 'no-languages' };
  if (post?.sourceLanguage && wanted.includes(post.sourceLanguage)) return { kind: 'original', reason: 'readable' };
  if (!post) {
    const changedAt = (m.editedOn ?? m.createdOn).getTime();
    const recent = (options.now ?? Date.now()) - changedAt < (options.pendingMs ?? 60_000);
    return options.botId !== undefined && recent && !options.settled ? { kind: 'pending' } : { kind: 'original', reason: 'no-translation' };
  }
  for (const lang of wanted) {
    const r = post.languages[lang];
    if (r?.state === 'ready' && r.text !== undefined) return { kind: 'translated', language: lang };
  }
  for (const lang of wanted) {
    const r = post.languages[lang];
    if (r && r.state !== 'ready') return { kind: 'not-translated', language: lang, reason: r.reason };
  }
  // The bot translated for others but not into any of the reader's languages: it found the
  // original already readable for them (the thread's readers are what it translates for).
  return { kind: 'original', reason: Object.keys(post.languages).length ? 'readable' : 'no-translation' };
}

function replyOf(post: BotPost, message: FoldInput, byId: Map<string, FoldInput>): CommandReply {
  const command = byId.get(post.sourceId);
  return { commandId: post.sourceId, commandSenderId: command ? senderIdOf(command) : undefined, text: message.content?.message ?? '', createdOn: message.createdOn };
}

/** Keeps one entry per id: the newest version (a deletion beats everything). */
function newestVersions(input: Iterable<FoldInput>): FoldInput[] {
  const out = new Map<string, FoldInput>();
  for (const m of input) {
    const seen = out.get(m.id);
    if (!seen || (m.deletedOn && !seen.deletedOn) || (!seen.deletedOn && compareVersions(m.version, seen.version) > 0)) out.set(m.id, m);
  }
  return [...out.values()];
}

/** Orders ACS versions: decimal strings (epoch ms) numerically, anything else as text. */
export function compareVersions(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The raw id of a message's sender (`8:acs:…`), or undefined for system messages. */
export function senderIdOf(m: Pick<FoldInput, 'sender'>): string | undefined {
  const s = m.sender as { rawId?: string; kind?: string; communicationUserId?: string } | undefined;
  if (!s) return undefined;
  return s.rawId ?? (s.kind === 'communicationUser' ? s.communicationUserId : undefined);
}

function formatOf(m: FoldInput): FoldedMessage['format'] {
  const t = String(m.type).toLowerCase();
  if (t === 'text') return 'text';
  if (t === 'html' || t === 'richtext/html') return 'html';
  return 'system';
}

function textOf(m: FoldInput): string {
  const format = formatOf(m);
  if (format === 'system') return '';
  const body = m.content?.message ?? '';
  return format === 'html' ? htmlToText(body) : body;
}
