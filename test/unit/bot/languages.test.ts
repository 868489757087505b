import { describe, it, expect } from 'vitest';
import { LANGUAGES, baseLanguage, languageName, normaliseLanguage } from '../../../src/bot/decide/languages.js';

describe('LANGUAGES', () => {
  it('lists about forty lower-case two-letter codes with English names', () => {
    const codes = Object.keys(LANGUAGES);
    expect(codes.length).toBeGreaterThanOrEqual(40);
    for (const code of codes) expect(code).toMatch(/^[a-z]{2}$/);
    for (const code of ['en', 'es', 'fr', 'de', 'it', 'pt', 'nl', 'ca', 'ja', 'zh', 'ko', 'ru', 'ar', 'hi', 'pl', 'sv', 'tr', 'uk']) {
      expect(LANGUAGES[code]).toBeTruthy();
    }
  });
});

describe('baseLanguage', () => {
  it('lower-cases and drops region and script subtags', () => {
    expect(baseLanguage(' pt-BR ')).toBe('pt');
    expect(baseLanguage('pt_br')).toBe('pt');
    expect(baseLanguage('zh-Hant-TW')).toBe('zh');
    expect(baseLanguage('EN')).toBe('en');
  });

  it('maps deprecated codes', () => {
    expect(baseLanguage('iw')).toBe('he');
    expect(baseLanguage('nb-NO')).toBe('no');
  });
});

describe('normaliseLanguage', () => {
  it('accepts supported codes in any case and with a region', () => {
    expect(normaliseLanguage('ES')).toBe('es');
    expect(normaliseLanguage('pt-BR')).toBe('pt');
  });

  it('rejects unknown codes, names and three-letter codes', () => {
    expect(normaliseLanguage('xx')).toBeNull();
    expect(normaliseLanguage('english')).toBeNull();
    expect(normaliseLanguage('spa')).toBeNull();
    expect(normaliseLanguage('')).toBeNull();
    expect(normaliseLanguage('constructor')).toBeNull();
  });
});

describe('languageName', () => {
  it('names known codes and echoes unknown ones', () => {
    expect(languageName('es')).toBe('Spanish');
    expect(languageName('xx')).toBe('xx');
  });
});
