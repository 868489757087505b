import { describe, it, expect } from 'vitest';
import { MAX_LANGUAGES, helpText, isCommandText, parseCommand, parseLanguageList } from '../../../src/bot/decide/commands.js';

describe('parseCommand', () => {
  it('returns null for messages that are not commands', () => {
    expect(parseCommand('hello')).toBeNull();
    expect(parseCommand('/parleyx on')).toBeNull();
    expect(parseCommand('please /parley on')).toBeNull();
  });

  it('parses thread languages, normalised and deduplicated in order typed', () => {
    expect(parseCommand('/parley languages es,fr')).toEqual({ kind: 'languages', languages: ['es', 'fr'] });
    expect(parseCommand('/parley languages ES, pt-BR  fr es')).toEqual({ kind: 'languages', languages: ['es', 'pt', 'fr'] });
    expect(parseCommand('/parley languages none')).toEqual({ kind: 'languages', languages: [] });
  });

  it('rejects bad language arguments with a message', () => {
    const unknown = parseCommand('/parley languages es,xx');
    expect(unknown).toMatchObject({ kind: 'invalid' });
    expect(unknown?.kind === 'invalid' && unknown.error).toContain('"xx"');
    expect(parseCommand('/parley languages')).toMatchObject({ kind: 'invalid' });
    expect(parseCommand('/parley languages none,es')).toMatchObject({ kind: 'invalid' });
    expect(parseCommand('/parley languages ,')).toMatchObject({ kind: 'invalid' });
  });

  it('parses the reader languages commands', () => {
    expect(parseCommand('/parley me es')).toEqual({ kind: 'me-set', languages: ['es'] });
    expect(parseCommand('/parley me de,EN')).toEqual({ kind: 'me-set', languages: ['de', 'en'] });
    expect(parseCommand('/parley me')).toEqual({ kind: 'me-show' });
    expect(parseCommand('/parley me NONE')).toEqual({ kind: 'me-clear' });
    expect(parseCommand('/parley me klingon')).toMatchObject({ kind: 'invalid' });
  });

  it('parses on, off and status, and rejects arguments to them', () => {
    expect(parseCommand('/parley on')).toEqual({ kind: 'on' });
    expect(parseCommand('/parley OFF')).toEqual({ kind: 'off' });
    expect(parseCommand('/parley status')).toEqual({ kind: 'status' });
    expect(parseCommand('/parley on please')).toMatchObject({ kind: 'invalid' });
  });

  it('parses mode, accepting the British spelling', () => {
    expect(parseCommand('/parley mode translate')).toEqual({ kind: 'mode', mode: 'translate' });
    expect(parseCommand('/parley mode Analyse')).toEqual({ kind: 'mode', mode: 'analyze' });
    expect(parseCommand('/parley mode both')).toEqual({ kind: 'mode', mode: 'both' });
    expect(parseCommand('/parley mode')).toMatchObject({ kind: 'invalid' });
    expect(parseCommand('/parley mode sing')).toMatchObject({ kind: 'invalid' });
  });

  it('parses the analysis posting policy', () => {
    expect(parseCommand('/parley analysis all')).toEqual({ kind: 'analysis', policy: 'all' });
    expect(parseCommand('/parley analysis NEGATIVE')).toEqual({ kind: 'analysis', policy: 'negative' });
    expect(parseCommand('/parley analysis none')).toEqual({ kind: 'analysis', policy: 'none' });
    expect(parseCommand('/parley analysis some')).toMatchObject({ kind: 'invalid' });
  });

  it('answers help for help, a bare /parley and unknown commands', () => {
    expect(parseCommand('/parley help')).toEqual({ kind: 'help' });
    expect(parseCommand('/parley')).toEqual({ kind: 'help' });
    expect(parseCommand('/parley translate es')).toEqual({ kind: 'help', unknown: 'translate' });
  });

  it('is case-insensitive and tolerant of extra whitespace', () => {
    expect(parseCommand('   /PARLEY    Languages    es ,  fr   ')).toEqual({ kind: 'languages', languages: ['es', 'fr'] });
    expect(parseCommand('/parley\tme\u00a0es')).toEqual({ kind: 'me-set', languages: ['es'] });
  });

  it('reads only the first line', () => {
    expect(parseCommand('/parley on\nthanks everyone')).toEqual({ kind: 'on' });
  });

  it('works on html bodies', () => {
    expect(parseCommand('<p>/parley <b>languages</b>&nbsp;es,fr</p>', 'html')).toEqual({ kind: 'languages', languages: ['es', 'fr'] });
    expect(parseCommand('<div>/parley off</div><div>bye</div>', 'html')).toEqual({ kind: 'off' });
    expect(parseCommand('<p>hello</p>', 'html')).toBeNull();
  });
});

describe('parseLanguageList', () => {
  it(`refuses more than ${MAX_LANGUAGES} languages`, () => {
    const many = ['en', 'es', 'fr', 'de', 'it', 'pt', 'nl', 'ca', 'ja', 'zh', 'ko'];
    expect(parseLanguageList(many.slice(0, MAX_LANGUAGES).join(','))).toEqual({ languages: many.slice(0, MAX_LANGUAGES) });
    expect(parseLanguageList(many.join(','))).toHaveProperty('error');
  });
});

describe('isCommandText', () => {
  it('needs /parley as the first word', () => {
    expect(isCommandText('\n /parley me')).toBe(true);
    expect(isCommandText('/parley-me')).toBe(false);
  });
});

describe('helpText', () => {
  it('mentions every command', () => {
    const text = helpText();
    for (const cmd of ['languages', 'me', 'on', 'off', 'status', 'mode', 'analysis', 'help']) {
      expect(text).toContain(`/parley ${cmd}`);
    }
    expect(text.startsWith('parley commands:\n')).toBe(true);
  });
});
