import type { AnalyzeResult } from '../../providers/types.js';
import { BOT_METADATA_KEY } from '../decide/message-filter.js';
import { escapeHtmlText, type MessageFormat } from '../decide/text.js';

export interface PostParts {
  sourceId: string;
  sourceVersion: string;
  /** The original's language when the detector was confident (clients say "translated from …"). */
  sourceLanguage?: string;
  format: MessageFormat;
  /** lang → translated text (same format as the original). */
  translations: Record<string, string>;
  /** lang → why it was not translated (for operators: never in the post's text). */
  untranslated: Record<string, string>;
  /** lang → `ready`, `skipped:<reason>` or `failed:<reason>` (metadata `parleyStates`). */
  states?: Record<string, string>;
  /** lang → the checks its translation passed (metadata `parleyChecked`). */
  checked?: Record<string, readonly string[]>;
  /** lang → pivot language, for translations made in two passes (metadata `parleyVia`). */
  pivots?: Record<string, string>;
  analysis?: AnalyzeResult;
}

export interface Post {
  content: string;
  type: MessageFormat;
  metadata: Record<string, string>;
}

const METADATA_LIMIT = 1024;

/**
 * One bot post per original: a line per translated language (`[es] …`), readable in any client, and
 * metadata that links it to the original so a client can show each reader only their language.
 * What could not be translated is said in metadata (`parleyUntranslated`, `parleyStates`): the
 * thread never carries an engine's diagnostics; clients render it as "not translated". When no
 * language could be translated the post is state-only: a neutral `[de] (no translation)` line per
 * language, so that folding clients learn the message is settled instead of waiting for a post.
 */
export function composePost(p: PostParts): Post {
  const langs = Object.keys(p.translations).sort();
  const missing = Object.keys(p.untranslated).sort();
  const html = p.format === 'html';
  const lines: string[] = [];
  // A <div> per language, not a <p>: a translation may hold block elements (<p>, <ul>, <table>),
  // which may not sit inside a paragraph (the sanitizer would split it and orphan the label).
  for (const l of langs) lines.push(html ? `<div><strong>[${l}]</strong> ${p.translations[l]}</div>` : `[${l}] ${p.translations[l]}`);
  if (!langs.length && !p.analysis) for (const l of missing) lines.push(html ? `<div><strong>[${l}]</strong> <em>${NO_TRANSLATION}</em></div>` : `[${l}] ${NO_TRANSLATION}`);
  if (p.analysis) {
    const line = analysisLine(p.analysis);
    lines.push(html ? `<div><em>${escapeHtmlText(line)}</em></div>` : line);
  }
  const kind = langs.length || missing.length ? (p.analysis ? 'translation+analysis' : 'translation') : 'analysis';
  const metadata: Record<string, string> = {
    [BOT_METADATA_KEY]: 'true',
    parleyKind: kind,
    parleySourceId: p.sourceId,
    parleySourceVersion: p.sourceVersion,
  };
  if (p.sourceLanguage && langs.length) metadata.parleySourceLanguage = p.sourceLanguage;
  if (langs.length) metadata.parleyLanguages = langs.join(',');
  if (missing.length) metadata.parleyUntranslated = missing.join(',');
  if (p.analysis) metadata.parleySentiment = p.analysis.sentiment;
  if (p.states && Object.keys(p.states).length) {
    metadata.parleyStates = JSON.stringify(Object.fromEntries(Object.entries(p.states).sort(([a], [b]) => a.localeCompare(b)).map(([l, s]) => [l, short(s)])));
    // Many readers' languages can pass the 1 KB limit: `ready` entries go first (they are in
    // parleyLanguages), so the languages that were not translated are always stated.
    if (size(metadata) > METADATA_LIMIT) metadata.parleyStates = JSON.stringify(Object.fromEntries(missing.map((l) => [l, short(p.states![l] ?? 'failed')])));
  }
  if (p.pivots && Object.keys(p.pivots).length) metadata.parleyVia = JSON.stringify(p.pivots);
  const checked = p.checked && Object.entries(p.checked).filter(([l]) => p.translations[l] !== undefined);
  // Optional extras, in order, each only while the metadata stays within its 1 KB limit: the
  // translations themselves, then which checks each one passed.
  const extras: Array<[string, string]> = [];
  if (langs.length) extras.push(['parleyTranslations', JSON.stringify(p.translations)]);
  if (checked?.length) extras.push(['parleyChecked', JSON.stringify(Object.fromEntries(checked.map(([l, c]) => [l, c.join(',')])))]);
  for (const [key, value] of extras) if (size({ ...metadata, [key]: value }) <= METADATA_LIMIT) metadata[key] = value;
  return { content: lines.join(html ? '' : '\n'), type: p.format, metadata };
}

/** The whole text of a language's line in a state-only post (no language could be translated). */
export const NO_TRANSLATION = '(no translation)';

const size = (m: Record<string, string>) => Object.entries(m).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);

/** A state with its reason cut to fit the metadata (reasons are sentences; clients show them). */
function short(state: string): string {
  return state.length > 120 ? `${state.slice(0, 119)}…` : state;
}

export function analysisLine(a: AnalyzeResult): string {
  const conf = Math.max(a.confidence.positive, a.confidence.neutral, a.confidence.negative).toFixed(2);
  const entities = a.entities.length ? a.entities.map((e) => `${e.text} (${e.category})`).join(', ') : 'none';
  return `Sentiment: ${a.sentiment} (${conf}) · Entities: ${entities} · Language: ${a.language ?? 'unknown'}`;
}

/** A reply to a command, marked as the bot's. */
export function composeReply(text: string, sourceId: string): Post {
  return {
    content: text,
    type: 'text',
    metadata: { [BOT_METADATA_KEY]: 'true', parleyKind: 'reply', parleySourceId: sourceId, parleySourceVersion: sourceId },
  };
}
