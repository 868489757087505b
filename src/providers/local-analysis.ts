/** The offline analysers' CPU-bound part (language, entities, sentiment), and where it runs. Pure: no I/O. */
import { detectLanguage } from './language-detector.js';
import { findEntities } from './local-entities.js';
import { scoreSentiment, type SentimentScore } from './local-sentiment.js';
import type { Entity } from './types.js';

/**
 * The local analysers read at most this many characters (UTF-16 units) of a message: sentiment and
 * entities of the first few paragraphs, with the work bounded whatever the message's size.
 */
export const ANALYZE_MAX_CHARS = 8192;

/** Language, entities and (for English or unknown-language text) sentiment of a text. */
export interface LocalAnalysisResult {
  language: string | null;
  entities: Entity[];
  sentiment?: SentimentScore;
}

/**
 * Runs the analysers: in-process ({@link analyseInProcess}), or on the bot's worker threads
 * (`TextWorkPool`), so a long message does not hold up the event loop.
 */
export interface LocalAnalysis {
  analyse(text: string): Promise<LocalAnalysisResult>;
  sentiment(text: string): Promise<SentimentScore>;
}

/** Language, entities and, for English (or unknown) text, sentiment. */
export async function analyseLocally(text: string): Promise<LocalAnalysisResult> {
  const language = detectLanguage(text).language;
  const english = language === 'en' || language === null;
  const entities = await findEntities(text, english);
  return english ? { language, entities, sentiment: scoreSentiment(text) } : { language, entities };
}

/** The analysers on the calling thread. */
export const analyseInProcess: LocalAnalysis = {
  analyse: analyseLocally,
  sentiment: async (text) => scoreSentiment(text),
};
