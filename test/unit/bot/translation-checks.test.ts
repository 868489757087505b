import { describe, expect, it } from 'vitest';
import { checkTranslation, type CheckInput } from '../../../src/bot/decide/translation-checks.js';
import { detectLanguage } from '../../../src/providers/language-detector.js';

const base: CheckInput = {
  source: 'Please open a ticket for Acme Cloud before the meeting tomorrow.',
  output: 'Por favor, abre una incidencia para Acme Cloud antes de la reunión de mañana.',
  target: 'es',
  sourceLanguage: 'en',
  glossary: { keep: [], terms: {} },
  detect: detectLanguage,
  threshold: 0.6,
};
const check = (patch: Partial<CheckInput>) => checkTranslation({ ...base, ...patch });

describe('translation checks', () => {
  it('passes a good translation and lists every check that ran', () => {
    const glossary = { keep: ['Acme Cloud'], terms: { es: [['ticket', 'incidencia']] as Array<[string, string]> } };
    expect(check({ glossary })).toEqual({ checked: ['placeholders', 'keep', 'terms', 'language', 'copy', 'chatter', 'length'] });
  });

  it('catches a kept term that was translated', () => {
    const r = check({ glossary: { keep: ['Acme Cloud'], terms: {} }, output: 'Por favor, abre una incidencia para Nube de Acmé antes de la reunión de mañana.' });
    expect(r.failed).toEqual({ check: 'keep', reason: 'the kept term "Acme Cloud" is missing or changed' });
  });

  it('catches a required term not used', () => {
    const r = check({ glossary: { keep: [], terms: { es: [['ticket', 'incidencia']] } }, output: 'Por favor, abre una entrada para Acme Cloud antes de la reunión de mañana.' });
    expect(r.failed).toEqual({ check: 'terms', reason: '"ticket" was not translated as "incidencia"' });
  });

  it('catches an answer in a third language, and does not claim a language check it could not make', () => {
    expect(check({ output: 'Bitte eröffnen Sie vor dem morgigen Treffen ein Ticket für Acme Cloud.' }).failed).toEqual({
      check: 'language',
      reason: 'the answer is in German, not Spanish',
    });
    // Galician for Spanish: the detector cannot tell them apart on a sentence.
    expect(check({ output: 'Por favor, abre unha incidencia para Acme Cloud antes da reunión de mañá.' }).failed).toBeUndefined();
    expect(check({ source: 'ok thanks', output: 'vale' }).checked).not.toContain('language');
  });

  it('catches a copy of the original when the languages differ', () => {
    expect(check({ output: base.source.toUpperCase() }).failed?.check).toBe('copy');
    expect(check({ source: 'Acme Cloud', output: 'Acme Cloud' }).failed).toBeUndefined();
  });

  it('catches chatter around the translation', () => {
    expect(check({ output: `Sure! Here is the translation:\n${base.output}` }).failed?.check).toBe('chatter');
    expect(check({ output: `Traducción: ${base.output}` }).failed).toBeUndefined();
    expect(check({ output: `Translation (Spanish): ${base.output}` }).failed?.check).toBe('chatter');
    expect(check({ output: `${base.output}\n\nNote: "ticket" was translated as "incidencia".` }).failed?.check).toBe('chatter');
    expect(check({ output: `"${base.output}"` }).failed?.check).toBe('chatter');
    expect(check({ source: `"${base.source}"`, output: `"${base.output}"` }).failed).toBeUndefined();
  });

  it('catches an answer far too short or too long', () => {
    expect(check({ output: 'Por favor.' }).failed).toEqual({ check: 'length', reason: "the answer is 0.2× the original's length" });
    expect(check({ output: base.output.repeat(5) }).failed?.check).toBe('length');
    expect(check({ source: 'ok, thanks', output: 'vale, gracias de verdad a todos' }).checked).not.toContain('length');
  });
});
