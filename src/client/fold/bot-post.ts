/**
 * Reading one bot post: which original and version it belongs to, each language's state and text,
 * and the sentiment. Pure. Reads the per-language state map (`parleyStates`) when present and the
 * older `parleyLanguages` / `parleyUntranslated` keys otherwise.
 */
import type { Sentiment } from './types.js';

/** What the bot says about one target language of a post. */
export type LanguageResult = { state: 'ready'; text: string | undefined } | { state: 'skipped' | 'failed'; reason: string };

/** A bot post's meaning. */
export interface BotPost {
  kind: string;
  sourceId: string;
  sourceVersion: string;
  sourceLanguage?: string;
  languages: Record<string, LanguageResult>;
  sentiment?: Sentiment;
}

/** Kinds of post that are folded into their original. */
export const FOLDED_KINDS: ReadonlySet<string> = new Set(['translation', 'analysis', 'translation+analysis']);
const SENTIMENTS: ReadonlySet<string> = new Set(['positive', 'neutral', 'negative', 'mixed']);

/**
 * The post's meaning, or `null` when its metadata does not link it to an original. The caller has
 * already checked that the sender is the bot's identity.
 */
export function readBotPost(metadata: Readonly<Record<string, string>>, content: string, format: 'text' | 'html'): BotPost | null {
  const { parleyKind: kind, parleySourceId: sourceId, parleySourceVersion: sourceVersion } = metadata;
  if (!kind || !sourceId || !sourceVersion) return null;
  const listed = list(metadata.parleyLanguages);
  const texts = { ...textsFromContent(content, format, listed), ...jsonStrings(metadata.parleyTranslations) };
  const languages: Record<string, LanguageResult> = {};
  const states = jsonStrings(metadata.parleyStates);
  if (states) {
    for (const [lang, value] of Object.entries(states)) languages[lang.toLowerCase()] = stateOf(value, texts[lang]);
  } else {
    for (const lang of listed) languages[lang] = { state: 'ready', text: texts[lang] };
    const reasons = untranslatedReasons(content, format);
    for (const lang of list(metadata.parleyUntranslated)) languages[lang] = { state: 'failed', reason: reasons[lang] ?? 'not translated' };
  }
  const sentiment = metadata.parleySentiment;
  return {
    kind,
    sourceId,
    sourceVersion,
    sourceLanguage: metadata.parleySourceLanguage?.toLowerCase() || undefined,
    languages,
    sentiment: sentiment && SENTIMENTS.has(sentiment) ? (sentiment as Sentiment) : undefined,
  };
}

function stateOf(value: string, text: string | undefined): LanguageResult {
  const colon = value.indexOf(':');
  const state = (colon < 0 ? value : value.slice(0, colon)).trim().toLowerCase();
  const reason = colon < 0 ? '' : value.slice(colon + 1).trim();
  if (state === 'ready') return { state: 'ready', text };
  return { state: state === 'skipped' ? 'skipped' : 'failed', reason: reason || state || 'not translated' };
}

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);

/** A JSON object of strings, or undefined for anything else (metadata is the sender's to write). */
function jsonStrings(value: string | undefined): Record<string, string> | undefined {
  if (!value) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k.toLowerCase()] = v;
    return out;
  } catch {
    return undefined;
  }
}

/**
 * The translations from the post's body, for posts whose translations did not fit the metadata:
 * the body holds one entry per language in `languages` order — `[es] …` lines joined by newlines
 * (text) or `<div><strong>[es]</strong> …</div>` (html) — see `composePost`.
 */
export function textsFromContent(content: string, format: 'text' | 'html', languages: readonly string[]): Record<string, string> {
  const marker = (l: string) => (format === 'html' ? `<div><strong>[${l}]</strong> ` : `[${l}] `);
  const out: Record<string, string> = {};
  let at = content.indexOf(marker(languages[0] ?? ''));
  if (at !== 0) return out;
  for (let i = 0; i < languages.length; i++) {
    const start = at + marker(languages[i]!).length;
    const nextLang = languages[i + 1];
    // The entry ends where the next language's entry (or, after the last one, anything else) starts.
    const end = nextLang !== undefined ? content.indexOf((format === 'html' ? '' : '\n') + marker(nextLang), start) : endOfLast(content, start, format);
    if (end < 0) return out;
    out[languages[i]!] = format === 'html' ? content.slice(start, end).replace(/<\/div>$/, '') : content.slice(start, end);
    at = end + (format === 'html' ? 0 : 1);
  }
  return out;
}

function endOfLast(content: string, start: number, format: 'text' | 'html'): number {
  if (format === 'html') {
    const next = content.indexOf('</div><div>', start);
    return next < 0 ? content.length : next + '</div>'.length;
  }
  // Later lines are untranslated notes (`[xx] (not translated: …)`) or the analysis line.
  const candidates = [content.indexOf('\n[', start), content.indexOf('\nSentiment: ', start)].filter((i) => i >= 0);
  return candidates.length ? Math.min(...candidates) : content.length;
}

/** `[xx] (not translated: reason)` notes of posts made before the per-language state map. */
function untranslatedReasons(content: string, format: 'text' | 'html'): Record<string, string> {
  const out: Record<string, string> = {};
  const note = format === 'html' ? /\[([a-z]{2,3})\]<\/strong> <em>\(not translated: ([^<]{0,300})\)<\/em>/g : /^\[([a-z]{2,3})\] \(not translated: ([^\n]{0,300})\)$/gm;
  for (const m of content.slice(0, 8192).matchAll(note)) out[m[1]!] = format === 'html' ? decodeBasicEntities(m[2]!) : m[2]!;
  return out;
}

const decodeBasicEntities = (s: string): string =>
  s.replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e] ?? _);
