/** Sentiment of one analysed message. */
type Sentiment = 'positive' | 'neutral' | 'negative' | 'mixed';

/** How a priority row is labelled, from the messages it shows. */
export interface PriorityLabel {
  /** The prevailing sentiment of the messages shown (ties go to negative, then positive). */
  tone: 'negative' | 'neutral' | 'positive';
  negative: number;
  positive: number;
  /** Messages the label is about. */
  of: number;
  /** E.g. `3 of 5 negative`, or `neutral · 1 of 5 negative`. */
  text: string;
}

/**
 * The label of a thread in the priority view, decided by the messages shown under it, so the two
 * never disagree (a thread with three negative messages of five reads "negative", whatever the
 * smoothed score that orders the list says). Pure.
 */
export function priorityLabel(latest: ReadonlyArray<{ sentiment: Sentiment }>): PriorityLabel {
  const negative = latest.filter((a) => a.sentiment === 'negative').length;
  const positive = latest.filter((a) => a.sentiment === 'positive').length;
  const other = latest.length - negative - positive;
  const tone = negative > 0 && negative >= positive && negative >= other ? 'negative' : positive > 0 && positive > other ? 'positive' : 'neutral';
  const count = `${negative} of ${latest.length} negative`;
  return { tone, negative, positive, of: latest.length, text: tone === 'negative' ? count : `${tone} · ${count}` };
}
