/**
 * English sentiment from the AFINN-165 word list (`sentiment` package): each known word scores
 * -5..+5, with negation handled. Pure: no I/O.
 */
import Sentiment from 'sentiment';
import { normalizeConfidence } from './analysis-utils.js';
import type { AnalyzeResult } from './types.js';

const analyzer = new Sentiment();

/**
 * Weight of "neutral" against the summed word scores: one mild word (±2) gives 50 %, two strong
 * ones (±3 each) 75 %, and a text with no scored words is neutral with confidence 1.
 */
const NEUTRAL_WEIGHT = 2;
/** Positive and negative both present, the smaller at least this share of the larger → `mixed`. */
const MIXED_RATIO = 0.5;

export interface SentimentScore {
  sentiment: AnalyzeResult['sentiment'];
  confidence: AnalyzeResult['confidence'];
  /** How many words of the text are in the lexicon (0 means the text gave no evidence). */
  scoredWords: number;
}

/** Scores English text. */
export function scoreSentiment(text: string): SentimentScore {
  const result = analyzer.analyze(text);
  let positive = 0;
  let negative = 0;
  for (const entry of result.calculation) {
    for (const value of Object.values(entry)) {
      if (value > 0) positive += value;
      else negative -= value;
    }
  }
  const confidence = normalizeConfidence({ positive, neutral: NEUTRAL_WEIGHT, negative });
  const mixed = positive > 0 && negative > 0 && Math.min(positive, negative) / Math.max(positive, negative) >= MIXED_RATIO;
  const sentiment = mixed ? 'mixed' : positive > negative ? 'positive' : negative > positive ? 'negative' : 'neutral';
  if (positive === 0 && negative === 0) return { sentiment, confidence: { positive: 0, neutral: 1, negative: 0 }, scoredWords: 0 };
  return { sentiment, confidence, scoredWords: result.calculation.length };
}
