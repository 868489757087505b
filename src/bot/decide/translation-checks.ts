/**
 * Deterministic checks of one translation, after its placeholders were restored: kept terms
 * present, required terms used, the detector agreeing on the language where it can tell, not a
 * copy of the original, no chatter around the text, a sane length. Pure (the detector is passed
 * in). Each result lists the checks that ran; a check that could not run is not listed.
 */
import type { LanguageGuess } from '../../providers/types.js';
import type { AppliedGlossary } from './glossary.js';
import { languageName, normaliseLanguage } from './languages.js';

/** The checks, in the order they run. `placeholders` is the restore step's (see protect.ts). */
export type CheckName = 'placeholders' | 'keep' | 'terms' | 'language' | 'copy' | 'chatter' | 'length';

export interface CheckInput {
  /** The original as plain text. */
  source: string;
  /** The translation as plain text, placeholders restored. */
  output: string;
  target: string;
  /** The original's language, when known. */
  sourceLanguage?: string | null;
  glossary: AppliedGlossary;
  detect: (text: string) => LanguageGuess;
  /** Minimum detector confidence for the language check to count. */
  threshold: number;
}

/** The checks that ran, and the first that failed with why. */
export interface CheckResult {
  checked: CheckName[];
  failed?: { check: CheckName; reason: string };
}

/** Below this many characters of original the length ratio says nothing. */
const LENGTH_MIN_CHARS = 20;
/** Fewer words than this may rightly come back unchanged ("OK", "Acme Cloud"). */
const COPY_MIN_WORDS = 3;

// A line of preamble: "Sure! Here is the translation:", "Translation (Spanish):", "Here's the text:".
// Bounded runs of non-newlines only, so no overlapping quantifiers.
const CHATTER_LEAD = /^\s*(?:(?:sure|certainly|of course|okay)\b[^\n]{0,60}|here(?:'s| is| are)\b[^\n]{0,60}|[^\n]{0,40}\btranslat(?:ion|ed)\b[^\n]{0,40})[:：]/i;
const CHATTER_NOTE = /\n\s*\(?\s*(?:note|translator'?s note|explanation)\s*:/i;
const QUOTES: ReadonlyArray<[string, string]> = [['"', '"'], ['“', '”'], ['«', '»'], ["'", "'"], ['„', '“']];

const words = (text: string) => text.match(/[\p{L}\p{N}]+/gu) ?? [];
const normalised = (text: string) => words(text).join(' ').toLowerCase();
const quoted = (text: string) => QUOTES.some(([a, b]) => text.trim().length > 2 && text.trim().startsWith(a) && text.trim().endsWith(b));

/** Runs the checks on one translation. */
export function checkTranslation(input: CheckInput): CheckResult {
  const checked: CheckName[] = ['placeholders'];
  const fail = (check: CheckName, reason: string): CheckResult => ({ checked: [...checked, check], failed: { check, reason } });
  const { source, output, glossary } = input;
  const target = normaliseLanguage(input.target) ?? input.target;
  const sourceLanguage = input.sourceLanguage ? (normaliseLanguage(input.sourceLanguage) ?? input.sourceLanguage) : null;

  if (glossary.keep.length) {
    const missing = glossary.keep.find((k) => !output.includes(k));
    if (missing !== undefined) return fail('keep', `the kept term "${missing}" is missing or changed`);
    checked.push('keep');
  }
  const required = glossary.terms[input.target] ?? [];
  if (required.length) {
    const lower = output.toLowerCase();
    const unused = required.find(([, t]) => !lower.includes(t.toLowerCase()));
    if (unused) return fail('terms', `"${unused[0]}" was not translated as "${unused[1]}"`);
    checked.push('terms');
  }
  // The detector can tell only with enough text, and not between close relatives (es/gl/pt); it
  // rightly sees names and loanwords of the original's language in a translation, so only a
  // third language counts as wrong.
  const guess = input.detect(output);
  if (guess.language && guess.confidence >= input.threshold && !confusable(guess.language, target)) {
    if (guess.language !== target && guess.language !== sourceLanguage) {
      return fail('language', `the answer is in ${languageName(guess.language)}, not ${languageName(target)}`);
    }
    checked.push('language');
  }
  if (sourceLanguage !== target && words(source).length >= COPY_MIN_WORDS) {
    if (normalised(output) === normalised(source)) return fail('copy', 'the answer repeats the original');
    checked.push('copy');
  }
  const leads = CHATTER_LEAD.test(output) && !CHATTER_LEAD.test(source);
  const notes = CHATTER_NOTE.test(output) && !CHATTER_NOTE.test(source);
  if (leads || notes || (quoted(output) && !quoted(source))) return fail('chatter', 'the answer wraps the translation in comments or quotes');
  checked.push('chatter');
  if (source.trim().length >= LENGTH_MIN_CHARS) {
    const ratio = output.trim().length / source.trim().length;
    const [low, high] = lengthBounds(sourceLanguage, target);
    if (ratio < low || ratio > high) return fail('length', `the answer is ${ratio.toFixed(1)}× the original's length`);
    checked.push('length');
  }
  return { checked };
}

// Languages the n-gram detector confuses on a sentence or two.
const RELATIVES: ReadonlyArray<ReadonlySet<string>> = [
  new Set(['es', 'gl', 'pt', 'ca', 'oc', 'it']),
  new Set(['no', 'da', 'sv']),
  new Set(['hr', 'sr', 'bs', 'sl']),
  new Set(['id', 'ms']),
  new Set(['cs', 'sk']),
  new Set(['ru', 'uk', 'be', 'bg']),
];
const confusable = (a: string, b: string) => a !== b && RELATIVES.some((set) => set.has(a) && set.has(b));

// Scripts without spaces between words write the same thing in far fewer characters.
const DENSE = new Set(['zh', 'ja', 'ko']);
function lengthBounds(source: string | null, target: string): [number, number] {
  const low = DENSE.has(target) && !DENSE.has(source ?? '') ? 0.15 : 0.25;
  const high = DENSE.has(source ?? '') && !DENSE.has(target) ? 8 : 4;
  return [low, high];
}
