/**
 * Local, synchronous language detection with `eld` (Efficient Language Detector, n-gram based,
 * 60 languages, ISO 639-1 output). Used by every provider before any model call, to decide which
 * translations are needed. The `extrasmall` database (eld's benchmark: 99.3% on tweets vs 99.4% for
 * `medium`) loads in ~0.6 s and ~80 MB once per process, about half of `small`.
 */
import { eld } from 'eld/extrasmall';
import type { LanguageGuess } from './types.js';

/** Below this many letters the detector does not guess at all. */
const MIN_LETTERS = 3;
/** From this many letters on, length no longer lowers the confidence (about one short sentence). */
const FULL_CONFIDENCE_LETTERS = 40;

/**
 * The detector reads at most this many characters (UTF-16 units) of a message: the first few
 * sentences say which language it is in, and the work stays bounded whatever the message's size.
 */
export const DETECT_MAX_CHARS = 4096;

// Markup and tokens that are not prose in any language and only confuse n-gram statistics. Each
// is linear: an attempt stops where the next could start (`[^<>]`, disjoint character classes).
const NOISE = [
  /<[^<>]*>/g, // HTML tags
  /⟦\s*\d+\s*⟧/g, // placeholder tokens
  /&(?:[a-z]+|#\d+|#x[0-9a-f]+);/gi, // entities
];
const WHITESPACE = /\s+/;

/** Words that are addresses rather than prose: e-mails, @mentions, URLs. */
function isAddress(word: string): boolean {
  if (word.includes('@')) return true;
  const lower = word.toLowerCase();
  return lower.includes('http://') || lower.includes('https://');
}

/**
 * Guesses the language of `text` from its first {@link DETECT_MAX_CHARS} characters.
 * `confidence` combines eld's score of the winner with the amount of text: very short text (a
 * word or two) gives at most ~0.3, and eld's own "not reliable" verdict halves the value.
 */
export function detectLanguage(text: string): LanguageGuess {
  let clean = text.length > DETECT_MAX_CHARS ? text.slice(0, DETECT_MAX_CHARS) : text;
  for (const pattern of NOISE) clean = clean.replace(pattern, ' ');
  // Addresses go word by word (a split, not a pattern such as \S+@\S+\.\S+, which backtracks
  // cubically on "a@a@a@…").
  clean = clean
    .split(WHITESPACE)
    .filter((word) => !isAddress(word))
    .join(' ');
  const letters = clean.match(/\p{L}/gu)?.length ?? 0;
  if (letters < MIN_LETTERS) return { language: null, confidence: 0 };

  const result = eld.detect(clean);
  if (!result.language) return { language: null, confidence: 0 };
  const score = result.getScores()[result.language] ?? 0;
  const lengthFactor = 0.5 + 0.5 * Math.min(1, letters / FULL_CONFIDENCE_LETTERS);
  const reliability = result.isReliable() ? 1 : 0.5;
  const confidence = Math.min(1, Math.max(0, score * lengthFactor * reliability));
  return { language: result.language, confidence: Math.round(confidence * 1000) / 1000 };
}
