import { describe, expect, it } from 'vitest';
import { findMode, parseModes } from '../../../src/providers/apertium-modes.js';
import { fromStream, keepOuterWhitespace, toStream } from '../../../src/providers/apertium-stream.js';

describe('apertium stream format', () => {
  it('escapes reserved characters and protects placeholder tokens as superblanks', () => {
    expect(toStream('Hi ⟦0⟧, see a/b [x] @me ^$ <3 {y} \\', 'text')).toBe('Hi [⟦0⟧], see a\\/b \\[x\\] \\@me \\^\\$ \\<3 \\{y\\} \\\\');
    expect(toStream('a\0b', 'text')).toBe('ab');
  });

  it('turns HTML tags into superblanks and decodes text entities', () => {
    expect(toStream('<p class="a">Tom &amp; Jerry &copy;</p>', 'html')).toBe('[\\<p class="a"\\>]Tom & Jerry [&copy;][\\<\\/p\\>]');
  });

  it('reads output back: escapes undone, superblanks verbatim, HTML text re-escaped', () => {
    expect(fromStream('Hola [⟦0⟧], a\\/b \\[x\\][]', 'text')).toBe('Hola ⟦0⟧, a/b [x]');
    expect(fromStream('[\\<p\\>]Tom & Jerry 5 \\< 6[\\<\\/p\\>]', 'html')).toBe('<p>Tom &amp; Jerry 5 &lt; 6</p>');
  });

  it('round-trips text the engine leaves alone', () => {
    for (const text of ['plain', 'x ⟦12⟧ y', 'a\\b/c@d[e]{f}^g$h<i>', 'line\nbreak']) {
      expect(fromStream(toStream(text, 'text'), 'text')).toBe(text);
    }
    const html = '<p>A <a href="/x?a=1&amp;b=2">link</a> &amp; ⟦0⟧</p>';
    expect(fromStream(toStream(html, 'html'), 'html')).toBe(html);
  });

  it('keeps the original outer whitespace', () => {
    expect(keepOuterWhitespace('I saw you', ' Vi te')).toBe('Vi te');
    expect(keepOuterWhitespace('  hi\n', 'hola')).toBe('  hola\n');
  });
});

describe('apertium modes', () => {
  const modes = parseModes(['eng-spa', 'spa-eng', 'spa-eng_US', 'eng-spa-morph', 'en-gl', 'README']);

  it('parses translation modes into ISO 639-1 directions and skips debug modes', () => {
    expect(modes.map((m) => m.mode)).toEqual(['eng-spa', 'spa-eng', 'spa-eng_US', 'en-gl']);
    expect(modes[2]).toEqual({ mode: 'spa-eng_US', source: 'es', target: 'en', variant: 'US' });
    expect(modes[3]).toMatchObject({ source: 'en', target: 'gl' });
  });

  it('prefers the variant matching the target region, else the plain mode', () => {
    expect(findMode(modes, 'es', 'en-US')?.mode).toBe('spa-eng_US');
    expect(findMode(modes, 'es', 'en')?.mode).toBe('spa-eng');
    expect(findMode(modes, 'es', 'en-GB')?.mode).toBe('spa-eng');
    expect(findMode(modes, 'en', 'es-MX')?.mode).toBe('eng-spa');
    expect(findMode(modes, 'en', 'fr')).toBeUndefined();
  });
});
