import { describe, expect, it } from 'vitest';
import {
  applyGlossary,
  describeGlossary,
  editGlossary,
  formalityFor,
  normaliseFormality,
  normaliseGlossary,
  parseTermFlag,
  QualitySettingError,
  checkContext,
} from '../../../src/bot/decide/glossary.js';
import { unhonoured } from '../../../src/bot/decide/engine-limits.js';
import { protectGlossary } from '../../../src/providers/glossary-tokens.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof QualitySettingError) return `${err.code}: ${err.message}`;
    throw err;
  }
  throw new Error('expected a QualitySettingError');
};

describe('glossary settings', () => {
  it('normalises codes, whitespace and duplicates', () => {
    expect(normaliseGlossary({ keep: [' Acme  Cloud ', 'Acme Cloud'], terms: { ES: { ticket: ' incidencia ' } } })).toEqual({
      keep: ['Acme Cloud'],
      terms: { es: { ticket: 'incidencia' } },
    });
  });

  it('refuses bad entries with a sentence naming the fix', () => {
    expect(codeOf(() => normaliseGlossary({ keep: [''] }))).toBe('BadGlossary: A keep term is empty.');
    expect(codeOf(() => normaliseGlossary({ terms: { xx: { a: 'b' } } }))).toMatch(/^BadGlossary: Unknown language code "xx".*ISO 639-1/);
    expect(codeOf(() => normaliseGlossary({ keep: ['x'.repeat(101)] }))).toMatch(/longer than 100 characters/);
    expect(codeOf(() => normaliseGlossary({ keep: ['⟦0⟧'] }))).toMatch(/may not contain/);
    expect(codeOf(() => normaliseGlossary({ keep: Array.from({ length: 101 }, (_, i) => `t${i}`) }))).toMatch(/at most 100 entries/);
    expect(codeOf(() => normaliseFormality('polite'))).toBe('BadFormality: formality must be formal, informal or auto (got "polite").');
    expect(codeOf(() => normaliseFormality({ zz: 'formal' }))).toMatch(/^BadFormality: Unknown language code "zz"/);
    expect(codeOf(() => checkContext(11))).toMatch(/^BadContext: context must be a whole number of earlier messages from 0 to 10/);
    expect(codeOf(() => checkContext(1.5))).toMatch(/^BadContext/);
  });

  it('formality: one register, or per language with a default', () => {
    expect(normaliseFormality('Formal')).toBe('formal');
    expect(normaliseFormality({ default: 'formal' })).toBe('formal');
    const perLanguage = normaliseFormality({ default: 'formal', DE: 'informal' });
    expect(perLanguage).toEqual({ default: 'formal', de: 'informal' });
    expect(formalityFor(perLanguage, 'de')).toBe('informal');
    expect(formalityFor(perLanguage, 'es')).toBe('formal');
    expect(formalityFor({ de: 'informal' }, 'es')).toBe('auto');
  });

  it('edits: adds, replaces and removes entries case-insensitively; clear empties first', () => {
    const g = editGlossary({ keep: ['Acme Cloud'], terms: { es: { ticket: 'incidencia' } } }, { keep: ['Jira', 'acme cloud'], terms: [['es', 'Ticket', 'tique'], ['fr', 'ticket', 'ticket']] });
    expect(g).toEqual({ keep: ['Acme Cloud', 'Jira'], terms: { es: { Ticket: 'tique' }, fr: { ticket: 'ticket' } } });
    expect(editGlossary(g, { unkeep: ['JIRA'], unterms: [['es', 'ticket']] })).toEqual({ keep: ['Acme Cloud'], terms: { fr: { ticket: 'ticket' } } });
    expect(editGlossary(g, { clear: true, keep: ['New'] })).toEqual({ keep: ['New'], terms: {} });
    expect(describeGlossary(g)).toEqual(['keep: Acme Cloud', 'keep: Jira', 'es: Ticket = tique', 'fr: ticket = ticket']);
  });

  it('parses --term flags, refusing anything else with the expected form', () => {
    expect(parseTermFlag('es:ticket=incidencia')).toEqual(['es', 'ticket', 'incidencia']);
    expect(parseTermFlag('pt-BR:help desk=central de ajuda')).toEqual(['pt-BR', 'help desk', 'central de ajuda']);
    expect(codeOf(() => parseTermFlag('ticket=incidencia'))).toMatch(/should look like es:ticket=incidencia/);
  });

  it('says what the offline engine cannot honour, and nothing for the LLM or for defaults', () => {
    expect(unhonoured('local', { formality: 'formal', context: 3 })).toHaveLength(2);
    expect(unhonoured('local', { formality: 'auto', context: 0 })).toEqual([]);
    expect(unhonoured('openai', { formality: 'formal', context: 3 })).toEqual([]);
  });
});

describe('glossary in a message', () => {
  const glossary = { keep: ['Acme Cloud', 'Acme'], terms: { es: { ticket: 'incidencia', 'help desk': 'soporte' } } };

  it('finds whole words, longest first, as written in the message, never inside tokens', () => {
    expect(applyGlossary('Acme Cloud and ACME: a Ticket, tickets, ⟦0⟧', glossary, ['es', 'fr'])).toEqual({
      keep: ['Acme Cloud', 'ACME'],
      terms: { es: [['Ticket', 'incidencia']] },
    });
  });

  it('protects kept terms and required translations for an engine that cannot be told, and restores them', () => {
    const applied = applyGlossary('Open a ticket for Acme Cloud, ⟦0⟧.', glossary, ['es']);
    const p = protectGlossary('Open a ticket for Acme Cloud, ⟦0⟧.', applied, 'es');
    expect(p.text).toBe('Open a ⟦1⟧ for ⟦2⟧, ⟦0⟧.');
    expect(p.restore('Abrir un ⟦1⟧ para ⟦2⟧, ⟦0⟧.')).toBe('Abrir un incidencia para Acme Cloud, ⟦0⟧.');
    expect(protectGlossary('no terms here', applied, 'es').text).toBe('no terms here');
  });
});
