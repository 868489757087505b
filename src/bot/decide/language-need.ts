/**
 * Which languages a message must be translated into, and whether it is worth translating at all.
 * Pure: no I/O.
 */
import { baseLanguage } from './languages.js';
import { EMOJI_SOURCE, MENTION_ELEMENT_SOURCE, MENTION_SOURCE, URL_SOURCE, VERBATIM_ELEMENT_SOURCE, htmlToText } from './text.js';
import type { MessageFormat } from './text.js';

/** Input of {@link targetLanguages}. Codes may be in any case or carry a region (`pt-BR`). */
export interface LanguageNeedInput {
  /** Languages set for the whole thread (`/parley languages`). */
  threadLanguages: readonly string[];
  /** Reading languages of each participant other than the sender (`/parley me`). */
  readerLanguages: readonly (readonly string[])[];
  /** The detector's verdict on the message; `confidence` is in [0, 1]. */
  detected: { language: string | null; confidence: number };
  /** Confidence at or above which the detected language is trusted as the source, in [0, 1]. */
  threshold: number;
}

/**
 * The languages to translate a message into: the union of thread and reader languages, normalised
 * to base codes, deduplicated and sorted by code. The detected source language is removed only when
 * `detected.confidence >= threshold`; below it the message is translated into all of them, because
 * a wrong guess would leave some readers without a translation.
 */
export function targetLanguages(input: LanguageNeedInput): string[] {
  const wanted = new Set<string>();
  for (const code of [...input.threadLanguages, ...input.readerLanguages.flat()]) {
    const base = baseLanguage(code);
    if (base !== '') wanted.add(base);
  }
  const { language, confidence } = input.detected;
  if (language !== null && confidence >= input.threshold) wanted.delete(baseLanguage(language));
  return [...wanted].sort();
}

/** Why a message is not translated. */
export type TranslationSkipReason = 'empty' | 'emoji-only' | 'url-only' | 'too-short';

/** Options for {@link skipReason}. */
export interface SkipReasonOptions {
  /**
   * Fewest letters (after removing mentions, URLs, emoji and code) worth translating. Each Han,
   * kana or Hangul character counts as two letters, so `谢谢` is translated but `是` is not.
   * @defaultValue 3
   */
  minLetters?: number;
  /**
   * Body format; HTML mentions and `<code>`/`<pre>` elements are removed before counting.
   * @defaultValue 'text'
   */
  format?: MessageFormat;
}

const URL_RE = new RegExp(URL_SOURCE, 'gu');
const MENTION_RE = new RegExp(MENTION_SOURCE, 'gu');
const EMOJI_RE = new RegExp(EMOJI_SOURCE, 'gu');
const CODE_RE = /```[\s\S]*?```|`[^`\n]+`/g;
const HTML_SKIPPED_ELEMENTS = new RegExp(`${MENTION_ELEMENT_SOURCE}|${VERBATIM_ELEMENT_SOURCE}`, 'gi');
// Leftovers of emoji sequences (joiner, variation selectors) and anything that is not content.
const FILLER = /^[\s\p{P}\u200D\uFE0E\uFE0F\u20E3]*$/u;
const WIDE_LETTER = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/**
 * Whether a message is not worth translating, and why; `null` means translate it.
 * Checked in order: `empty` (blank), `url-only` (URLs with only whitespace or punctuation around
 * them), `emoji-only` (at least one emoji with only whitespace or punctuation around), `too-short`
 * (fewer than `minLetters` letters once mentions, URLs, emoji and code are removed).
 */
export function skipReason(text: string, { minLetters = 3, format = 'text' }: SkipReasonOptions = {}): TranslationSkipReason | null {
  const plain = format === 'html' ? htmlToText(text.replace(HTML_SKIPPED_ELEMENTS, ' ')) : text;
  if (plain.trim() === '' && (format === 'text' || htmlToText(text).trim() === '')) return 'empty';

  const withoutUrls = plain.replace(URL_RE, ' ');
  if (withoutUrls !== plain && FILLER.test(withoutUrls)) return 'url-only';

  const withoutEmoji = plain.replace(EMOJI_RE, ' ');
  if (withoutEmoji !== plain && FILLER.test(withoutEmoji)) return 'emoji-only';

  const content = plain.replace(CODE_RE, ' ').replace(URL_RE, ' ').replace(MENTION_RE, ' ').replace(EMOJI_RE, ' ');
  let letters = 0;
  for (const ch of content) {
    if (WIDE_LETTER.test(ch)) letters += 2;
    else if (/\p{L}/u.test(ch)) letters += 1;
  }
  return letters < minLetters ? 'too-short' : null;
}
