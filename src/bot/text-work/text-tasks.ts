/**
 * The bot's CPU-bound text work, as plain functions of plain data, so it runs the same in-process
 * and on a worker thread (`text-worker.ts`). No I/O.
 */
import { detectLanguage } from '../../providers/language-detector.js';
import { analyseLocally } from '../../providers/local-analysis.js';
import { scoreSentiment } from '../../providers/local-sentiment.js';
import type { LanguageGuess } from '../../providers/types.js';
import { skipReason, type TranslationSkipReason } from '../decide/language-need.js';
import { protect, restore, type Protected, type RestoreResult } from '../decide/protect.js';
import { htmlToText, type MessageFormat } from '../decide/text.js';

/** What the worker needs to know of a message before deciding and translating. */
export interface Inspection {
  /** The message as plain text (for detection and analysis). */
  plain: string;
  /** Why it is not worth translating, or `null`. */
  skip: TranslationSkipReason | null;
  /** Its language (not guessed for a message that is skipped). */
  detected: LanguageGuess;
  /** The text the translator sees, with its placeholders. */
  protected: Protected;
}

/** A unit of text work, as posted to a worker thread. */
export type TextTask =
  | { kind: 'inspect'; text: string; format: MessageFormat }
  | { kind: 'restore'; translations: Record<string, string>; placeholders: string[]; format: MessageFormat }
  | { kind: 'analyse'; text: string }
  | { kind: 'sentiment'; text: string };

/** Plain text, skip reason, language and placeholders of a message; `detect` guesses the language. */
export function inspect(text: string, format: MessageFormat, detect: (plain: string) => LanguageGuess = detectLanguage): Inspection {
  const plain = format === 'html' ? htmlToText(text) : text;
  const skip = skipReason(text, { format });
  return { plain, skip, detected: skip ? { language: null, confidence: 0 } : detect(plain), protected: protect(text, format) };
}

/** Restores every translation (language → answer) at once. */
export function restoreAll(translations: Record<string, string>, placeholders: readonly string[], format: MessageFormat): Record<string, RestoreResult> {
  return Object.fromEntries(Object.entries(translations).map(([l, t]) => [l, restore(t, placeholders, format)]));
}

/** Runs one task (on whichever thread calls it). */
export async function runTextTask(task: TextTask): Promise<unknown> {
  switch (task.kind) {
    case 'inspect':
      return inspect(task.text, task.format);
    case 'restore':
      return restoreAll(task.translations, task.placeholders, task.format);
    case 'analyse':
      return analyseLocally(task.text);
    case 'sentiment':
      return scoreSentiment(task.text);
  }
}
