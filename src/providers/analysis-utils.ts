/** Helpers shared by the providers' `analyze`. Pure: no I/O. */
import type { AnalyzeResult, Entity } from './types.js';

type Confidence = AnalyzeResult['confidence'];

/**
 * Scales scores so they sum to 1 (rounded to 3 decimals, the rounding error added to the largest).
 * Negative or non-finite scores count as 0; all zero gives `neutral: 1`.
 */
export function normalizeConfidence(scores: Confidence): Confidence {
  const clean = (n: number) => (Number.isFinite(n) && n > 0 ? n : 0);
  const positive = clean(scores.positive);
  const neutral = clean(scores.neutral);
  const negative = clean(scores.negative);
  const total = positive + neutral + negative;
  if (total === 0) return { positive: 0, neutral: 1, negative: 0 };
  const round = (n: number) => Math.round((n / total) * 1000) / 1000;
  const result = { positive: round(positive), neutral: round(neutral), negative: round(negative) };
  const error = Math.round((1 - result.positive - result.neutral - result.negative) * 1000) / 1000;
  const largest = (Object.keys(result) as (keyof Confidence)[]).reduce((a, b) => (result[b] > result[a] ? b : a));
  result[largest] = Math.round((result[largest] + error) * 1000) / 1000;
  return result;
}

/**
 * Finds each entity's text in `text`, in order, and returns it with its offset and length.
 * Models are poor at counting characters, so offsets are never taken from them: an entity whose
 * text does not occur in the message is dropped (it was invented or altered).
 */
export function locateEntities(text: string, found: readonly { text: string; category: string }[]): Entity[] {
  const entities: Entity[] = [];
  let cursor = 0;
  for (const { text: needle, category } of found) {
    if (needle.trim() === '') continue;
    let offset = text.indexOf(needle, cursor);
    if (offset < 0) offset = text.indexOf(needle);
    if (offset < 0) continue;
    if (entities.some((e) => e.offset === offset && e.length === needle.length)) continue;
    entities.push({ text: needle, category, offset, length: needle.length });
    cursor = offset + needle.length;
  }
  return entities.sort((a, b) => a.offset - b.offset);
}
