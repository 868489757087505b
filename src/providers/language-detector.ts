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

// Things that are not prose in any language and only confuse n-gram statistics.
const NOISE = [
  /<[^>]+>/g, // HTML tags
  /⟦\s*\d+\s*⟧/g, // placeholder tokens
  /\bhttps?:\/\/\S+/gi,
  /\S+@\S+\.\S+/g,
  /@\w+/g,
  /&(?:[a-z]+|#\d+|#x[0-9a-f]+);/gi,
];

/**
 * Guesses the language of `text`. `confidence` combines eld's score of the winner with the
 * amount of text: very short text (a word or two) gives at most ~0.3, and eld's own
 * "not reliable" verdict halves the value.
 */
export function detectLanguage(text: string): LanguageGuess {
  let clean = text;
  for (const pattern of NOISE) clean = clean.replace(pattern, ' ');
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
