import { describe, it, expect } from 'vitest';
import { skipReason, targetLanguages } from '../../../src/bot/decide/language-need.js';

describe('targetLanguages', () => {
  const base = { threadLanguages: ['fr', 'en'], readerLanguages: [['es'], ['de', 'en']], threshold: 0.8 };

  it('unions thread and reader languages, deduplicated and sorted', () => {
    expect(targetLanguages({ ...base, detected: { language: null, confidence: 0 } })).toEqual(['de', 'en', 'es', 'fr']);
  });

  it('removes the source language when detection is confident', () => {
    expect(targetLanguages({ ...base, detected: { language: 'en', confidence: 0.95 } })).toEqual(['de', 'es', 'fr']);
  });

  it('removes it at exactly the threshold', () => {
    expect(targetLanguages({ ...base, detected: { language: 'fr', confidence: 0.8 } })).toEqual(['de', 'en', 'es']);
  });

  it('keeps every language when detection is below the threshold', () => {
    expect(targetLanguages({ ...base, detected: { language: 'en', confidence: 0.79 } })).toEqual(['de', 'en', 'es', 'fr']);
  });

  it('normalises case and regions on both sides', () => {
    expect(
      targetLanguages({ threadLanguages: ['PT-br'], readerLanguages: [['pt'], ['ES']], detected: { language: 'pt-PT', confidence: 1 }, threshold: 0.5 }),
    ).toEqual(['es']);
  });

  it('returns nothing when nobody needs a language', () => {
    expect(targetLanguages({ threadLanguages: [], readerLanguages: [[], []], detected: { language: 'en', confidence: 1 }, threshold: 0.5 })).toEqual([]);
  });
});

describe('skipReason', () => {
  it('is null for ordinary prose', () => {
    expect(skipReason('Good morning everyone')).toBeNull();
    expect(skipReason('hello 😀 @bob https://x.org')).toBeNull();
  });

  it('flags empty messages', () => {
    expect(skipReason('')).toBe('empty');
    expect(skipReason(' \n\t ')).toBe('empty');
    expect(skipReason('<p>&nbsp;</p>', { format: 'html' })).toBe('empty');
  });

  it('flags emoji-only messages, including ZWJ sequences, skin tones, flags and keycaps', () => {
    for (const text of ['😀', '👍🏽', '👍🏽 👍🏽!', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🇪🇸🇫🇷', '1️⃣', '❤️ ...', '🏴󠁧󠁢󠁳󠁣󠁴󠁿']) {
      expect(skipReason(text), text).toBe('emoji-only');
    }
  });

  it('flags URL-only messages', () => {
    expect(skipReason('https://example.com/a?b=1')).toBe('url-only');
    expect(skipReason('  www.example.org \n http://x.io/path.')).toBe('url-only');
  });

  it('flags messages with too few letters once mentions, URLs, emoji and code are removed', () => {
    expect(skipReason('ok')).toBe('too-short');
    expect(skipReason('42!')).toBe('too-short');
    expect(skipReason('@alice ok')).toBe('too-short');
    expect(skipReason('👍 ok https://x.org')).toBe('too-short');
    expect(skipReason('`npm run build`')).toBe('too-short');
    expect(skipReason('```\nconst value = compute();\n```')).toBe('too-short');
  });

  it('counts three letters as enough by default, and honours minLetters', () => {
    expect(skipReason('yes')).toBeNull();
    expect(skipReason('yes', { minLetters: 4 })).toBe('too-short');
    expect(skipReason('ok', { minLetters: 1 })).toBeNull();
  });

  it('counts Han, kana and Hangul characters double', () => {
    expect(skipReason('谢谢')).toBeNull();
    expect(skipReason('是')).toBe('too-short');
    expect(skipReason('감사')).toBeNull();
  });

  it('removes html mentions and code elements before counting', () => {
    expect(skipReason('<at id="0">Alexandra</at> ok', { format: 'html' })).toBe('too-short');
    expect(
      skipReason('<span itemscope itemtype="http://schema.skype.com/Mention" itemid="0">Bartholomew</span>', { format: 'html' }),
    ).toBe('too-short');
    expect(skipReason('<p><code>deploy</code></p>', { format: 'html' })).toBe('too-short');
    expect(skipReason('<p>Hola <b>amigos</b></p>', { format: 'html' })).toBeNull();
  });
});
