import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANALYZE_PLACEHOLDERS, TRANSLATE_PLACEHOLDERS, PromptTemplateError, loadPrompt, parsePrompt } from '../../../src/providers/prompts.js';

function dirWith(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-prompts-'));
  writeFileSync(join(dir, name), text);
  return dir;
}

function problem(fn: () => unknown): PromptTemplateError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PromptTemplateError);
    return error as PromptTemplateError;
  }
  throw new Error('expected a PromptTemplateError');
}

describe('prompt templates', () => {
  it('loads the shipped prompts, which use exactly the placeholders the code provides', () => {
    const translate = loadPrompt({ task: 'translate', placeholders: TRANSLATE_PLACEHOLDERS });
    const analyze = loadPrompt({ task: 'analyze', placeholders: ANALYZE_PLACEHOLDERS });
    expect(translate.version).toBe('translate.v1');
    expect(analyze.version).toBe('analyze.v1');
    const text = translate.render({ targetLanguages: 'es (Spanish)', sourceLanguage: 'en', format: 'text', delimiter: '<message-abc>' });
    expect(text).toContain('es (Spanish)');
    expect(text).toContain('<message-abc>');
    expect(text).not.toMatch(/\{\{|\}\}|^---/);
  });

  it('rejects a template that does not use a placeholder the code provides, naming the file', () => {
    const dir = dirWith('translate.v2.md', '---\nid: translate\nversion: 2\n---\nTranslate into {{targetLanguages}}. {{format}} {{delimiter}}\n');
    const error = problem(() => loadPrompt({ dir, task: 'translate', version: 2, placeholders: TRANSLATE_PLACEHOLDERS }));
    expect(error.message).toContain(join(dir, 'translate.v2.md'));
    expect(error.message).toContain('does not use placeholder(s) {{sourceLanguage}}');
  });

  it('rejects a template that uses an unknown placeholder', () => {
    const error = problem(() => parsePrompt('/p/analyze.v1.md', '{{categories}} {{delimiter}} {{tone}}', ANALYZE_PLACEHOLDERS));
    expect(error.message).toMatch(/analyze\.v1\.md: uses unknown placeholder\(s\) \{\{tone\}\}/);
  });

  it('rejects malformed placeholders and mismatched front matter', () => {
    expect(problem(() => parsePrompt('/p/analyze.v1.md', '{{categories}} {{delimiter}} {{ bad name }}', ANALYZE_PLACEHOLDERS)).message).toMatch(/malformed placeholder/);
    expect(problem(() => parsePrompt('/p/analyze.v1.md', '---\nversion: 3\n---\n{{categories}} {{delimiter}}', ANALYZE_PLACEHOLDERS)).message).toMatch(/version 3/);
    expect(problem(() => parsePrompt('/p/analyze.v1.md', '---\nid: translate\n---\n{{categories}} {{delimiter}}', ANALYZE_PLACEHOLDERS)).message).toMatch(/id "translate"/);
    expect(problem(() => parsePrompt('/p/analyze.md', '{{categories}} {{delimiter}}', ANALYZE_PLACEHOLDERS)).message).toMatch(/file name/);
  });

  it('reports a missing file clearly', () => {
    const error = problem(() => loadPrompt({ dir: '/nonexistent', task: 'translate', placeholders: TRANSLATE_PLACEHOLDERS }));
    expect(error.message).toContain('/nonexistent/translate.v1.md');
    expect(error.message).toContain('ENOENT');
  });

  it('inserts values literally, never expanding placeholders inside them', () => {
    const template = parsePrompt('/p/analyze.v1.md', 'A {{categories}} B {{delimiter}}', ANALYZE_PLACEHOLDERS);
    expect(template.render({ categories: '{{delimiter}} $& $1', delimiter: 'D' })).toBe('A {{delimiter}} $& $1 B D');
  });
});
