import { describe, expect, it } from 'vitest';
import { locateEntities, normalizeConfidence } from '../../../src/providers/analysis-utils.js';
import { detectLanguage } from '../../../src/providers/language-detector.js';
import { findEntities } from '../../../src/providers/local-entities.js';
import { scoreSentiment } from '../../../src/providers/local-sentiment.js';
import { parseAnswer, translationSchema } from '../../../src/providers/openai-schemas.js';
import { ProviderInvalidOutputError } from '../../../src/providers/errors.js';

const sum = (c: { positive: number; neutral: number; negative: number }) => c.positive + c.neutral + c.negative;

describe('normalizeConfidence / locateEntities', () => {
  it('scales scores to sum to 1', () => {
    expect(normalizeConfidence({ positive: 1, neutral: 1, negative: 1 })).toEqual({ positive: 0.334, neutral: 0.333, negative: 0.333 });
    expect(normalizeConfidence({ positive: 0, neutral: 0, negative: 0 })).toEqual({ positive: 0, neutral: 1, negative: 0 });
    expect(normalizeConfidence({ positive: -1, neutral: Number.NaN, negative: 3 })).toEqual({ positive: 0, neutral: 0, negative: 1 });
  });

  it('finds entity offsets in order, including repeats, and drops invented ones', () => {
    const text = 'Ana met Bo, then Ana left.';
    expect(locateEntities(text, [{ text: 'Ana', category: 'Person' }, { text: 'Zed', category: 'Person' }, { text: 'Ana', category: 'Person' }])).toEqual([
      { text: 'Ana', category: 'Person', offset: 0, length: 3 },
      { text: 'Ana', category: 'Person', offset: 17, length: 3 },
    ]);
  });
});

describe('parseAnswer', () => {
  it('names the missing language', () => {
    try {
      parseAnswer('{"detectedLanguage":null,"translations":{"es":"x"}}', translationSchema(['es', 'fr']), 'translation');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ProviderInvalidOutputError);
      expect((error as ProviderInvalidOutputError).problems[0]).toMatch(/^translations\.fr:/);
    }
  });
});

describe('local language detection', () => {
  it('tells English from Spanish', () => {
    expect(detectLanguage('Hello, how are you today? I hope everything is fine.')).toMatchObject({ language: 'en' });
    expect(detectLanguage('Hola, ¿cómo estás? Espero que todo vaya bien.')).toMatchObject({ language: 'es' });
    expect(detectLanguage('Hello, how are you today? I hope everything is fine.').confidence).toBeGreaterThan(0.6);
  });

  it('gives short text low or no confidence', () => {
    expect(detectLanguage('ok')).toEqual({ language: null, confidence: 0 });
    expect(detectLanguage('⟦0⟧ https://example.com')).toEqual({ language: null, confidence: 0 });
    expect(detectLanguage('Thanks!').confidence).toBeLessThan(0.4);
  });
});

describe('local sentiment and entities', () => {
  it('scores clearly positive, negative, mixed and neutral English', () => {
    expect(scoreSentiment('I love this, it is wonderful!').sentiment).toBe('positive');
    expect(scoreSentiment('This is terrible, I hate it.').sentiment).toBe('negative');
    expect(scoreSentiment('I love the food but the service was terrible.').sentiment).toBe('mixed');
    const neutral = scoreSentiment('The meeting is at 5pm.');
    expect(neutral.sentiment).toBe('neutral');
    expect(neutral.scoredWords).toBe(0);
    for (const t of ['I love it', 'awful', 'fine but bad']) expect(sum(scoreSentiment(t).confidence)).toBeCloseTo(1, 3);
  });

  it('finds people, places, organizations, e-mails, URLs and numbers with offsets into the text', async () => {
    const text = 'Yesterday John Smith met Maria Garcia from Microsoft in Paris. Mail john@example.com or see https://example.com/a, 42 came.';
    const entities = await findEntities(text, true);
    for (const e of entities) expect(text.slice(e.offset, e.offset + e.length)).toBe(e.text);
    expect(entities.map((e) => [e.text, e.category])).toEqual([
      ['John Smith', 'Person'],
      ['Maria Garcia', 'Person'],
      ['Microsoft', 'Organization'],
      ['Paris', 'Location'],
      ['john@example.com', 'Email'],
      ['https://example.com/a', 'URL'],
      ['42', 'Quantity'],
    ]);
  });

  it('uses only language-independent patterns for other languages', async () => {
    const entities = await findEntities('Escribe a Ana García: ana@example.es', false);
    expect(entities).toEqual([{ text: 'ana@example.es', category: 'Email', offset: 22, length: 14 }]);
  });
});
