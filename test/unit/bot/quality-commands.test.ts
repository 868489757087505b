import { describe, expect, it } from 'vitest';
import safeRegex from 'safe-regex2';
import { parseCommand } from '../../../src/bot/decide/commands.js';
import { termRegex } from '../../../src/providers/glossary-tokens.js';

describe('glossary, formality and context commands', () => {
  it('keep and unkeep take the rest of the line, case kept', () => {
    expect(parseCommand('/parley keep Acme Cloud')).toEqual({ kind: 'glossary-edit', edits: { keep: ['Acme Cloud'] } });
    expect(parseCommand('/parley unkeep Acme Cloud')).toEqual({ kind: 'glossary-edit', edits: { unkeep: ['Acme Cloud'] } });
    expect(parseCommand('/parley keep')).toEqual({ kind: 'invalid', error: 'Usage: /parley keep Acme Cloud.' });
  });

  it('term takes a language, a term of any length, "=" and its translation', () => {
    expect(parseCommand('/parley term es ticket = incidencia')).toEqual({ kind: 'glossary-edit', edits: { terms: [['es', 'ticket', 'incidencia']] } });
    expect(parseCommand('/parley term ES help desk=centro de soporte')).toEqual({ kind: 'glossary-edit', edits: { terms: [['es', 'help desk', 'centro de soporte']] } });
    expect(parseCommand('/parley term es ticket')).toEqual({ kind: 'invalid', error: 'Usage: /parley term es ticket = incidencia.' });
    expect(parseCommand('/parley term xx ticket = y')).toMatchObject({ kind: 'invalid', error: expect.stringMatching(/^Unknown language code "xx"/) });
    expect(parseCommand('/parley unterm es ticket')).toEqual({ kind: 'glossary-edit', edits: { unterms: [['es', 'ticket']] } });
  });

  it('glossary lists, or clears', () => {
    expect(parseCommand('/parley glossary')).toEqual({ kind: 'glossary-show' });
    expect(parseCommand('/parley glossary clear')).toEqual({ kind: 'glossary-edit', edits: { clear: true } });
    expect(parseCommand('/parley glossary wipe')).toMatchObject({ kind: 'invalid' });
  });

  it('formality for every language or one; context 0 to 10', () => {
    expect(parseCommand('/parley formality formal')).toEqual({ kind: 'formality', formality: 'formal' });
    expect(parseCommand('/parley formality de informal')).toEqual({ kind: 'formality', formality: 'informal', language: 'de' });
    expect(parseCommand('/parley formality polite')).toMatchObject({ kind: 'invalid' });
    expect(parseCommand('/parley formality zz formal')).toMatchObject({ kind: 'invalid' });
    expect(parseCommand('/parley context 3')).toEqual({ kind: 'context', context: 3 });
    expect(parseCommand('/parley context 11')).toMatchObject({ kind: 'invalid' });
  });

  it('matches glossary terms with a regex that cannot backtrack badly', () => {
    const regex = termRegex(['Acme Cloud', 'a+b', '(x)', 'ticket'])!;
    // safe-regex2 cannot parse lookbehind: audit the alternation between the one-character lookarounds.
    const core = regex.source.replace(/^\(\?<!\[[^\]]*\]\)/, '').replace(/\(\?!\[[^\]]*\]\)$/, '');
    expect(core).toBe('(?:Acme Cloud|ticket|a\\+b|\\(x\\))');
    expect(safeRegex(new RegExp(core))).toBe(true);
    expect('A+B and (x)'.match(regex)).toEqual(['A+B', '(x)']);
  });
});
