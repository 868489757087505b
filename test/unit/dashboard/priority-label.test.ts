import { describe, expect, it } from 'vitest';
import { priorityLabel } from '../../../src/dashboard/priority-label.js';

const of = (...s: Array<'positive' | 'neutral' | 'negative' | 'mixed'>) => s.map((sentiment) => ({ sentiment }));

describe('priority label', () => {
  it('reads negative when three of five shown messages are negative, whatever the smoothed score', () => {
    expect(priorityLabel(of('neutral', 'negative', 'positive', 'negative', 'negative'))).toEqual({ tone: 'negative', negative: 3, positive: 1, of: 5, text: '3 of 5 negative' });
  });

  it('follows the messages shown: ties go to negative, a calm thread is neutral, a happy one positive', () => {
    expect(priorityLabel(of('negative', 'negative', 'positive', 'positive', 'neutral')).tone).toBe('negative');
    expect(priorityLabel(of('negative', 'neutral', 'neutral', 'mixed', 'positive')).tone).toBe('neutral');
    expect(priorityLabel(of('positive', 'positive', 'neutral')).tone).toBe('positive');
    expect(priorityLabel(of('neutral')).text).toBe('neutral · 0 of 1 negative');
    expect(priorityLabel([]).tone).toBe('neutral');
  });
});
