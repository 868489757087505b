import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/bot/decide/commands.js';
import { skipReason } from '../../../src/bot/decide/language-need.js';
import { protect, restore } from '../../../src/bot/decide/protect.js';
import { decodeEntities, htmlToText } from '../../../src/bot/decide/text.js';
import { verifyHmac } from '../../../src/chat/auth/hmac.js';
import { keepOuterWhitespace, toStream } from '../../../src/providers/apertium-stream.js';
import { detectLanguage } from '../../../src/providers/language-detector.js';
import { findPatternEntities } from '../../../src/providers/local-entities.js';
import { verifySignature } from '../../../src/webhooks/signature.js';

/**
 * Adversarial inputs for every expression that reads message text or headers: each must be handled
 * in linear time. The bounds are generous (a loaded machine), yet the super-linear versions these
 * replaced miss them by far: `\S+@\S+\.\S+` took about an hour on 28 KB of "a@a@…", `<[^>]+>` 3 s
 * on 28 KB of "<<<…", and the quadratic ones (comments, elements, e-mails, trailing spaces) take
 * 2–20 s at the 256 KB used here, where the linear code needs a few milliseconds.
 */
const KB = 1024;
/** `unit` repeated to `size` characters (UTF-16 units), then `tail`. */
const fill = (unit: string, size: number, tail = '') => unit.repeat(Math.floor((size - tail.length) / unit.length)) + tail;

function ms(fn: () => unknown): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

/** A message at the backend's size limit (28 KB). */
const MESSAGE = 28 * KB;
/** Far beyond a message: model answers and other inputs these functions see are not limited to 28 KB. */
const LARGE = 256 * KB;
const BOUND_MS = 1500;

describe('the language detector (28 KB messages)', () => {
  it.each([
    ['a@a@…', fill('a@', MESSAGE)],
    ['<<<…', fill('<', MESSAGE)],
    ['a@b.c a@b.c …', fill('a@b.c ', MESSAGE)],
    ['prose', fill('The quick brown fox jumps over the lazy dog. ', MESSAGE)],
  ])('handles %s in well under a second', (_name, text) => {
    expect(ms(() => detectLanguage(text))).toBeLessThan(BOUND_MS / 3);
  });

  it('still ignores e-mails, mentions, URLs and tags', () => {
    expect(detectLanguage('<b>Hola</b> ana@example.es @pepe https://example.com/hello-world ¿cómo estás? Espero que todo vaya bien.').language).toBe('es');
    expect(detectLanguage('ana@example.es bob@example.com https://example.com')).toEqual({ language: null, confidence: 0 });
  });
});

describe.each<[string, (input: string) => unknown, [string, string][]]>([
  ['htmlToText', (s) => htmlToText(s), [['<a<a<a…', fill('<a', LARGE)], ['<!--<!--…', fill('<!--', LARGE)], ['<br <br …', fill('<br ', LARGE)]]],
  ['decodeEntities', (s) => decodeEntities(s), [['&a&a…', fill('&a', LARGE)], ['&#1&#1…', fill('&#1', LARGE)]]],
  [
    'protect (html)',
    (s) => protect(s, 'html'),
    [
      ['<a b <a b …', fill('<a b ', LARGE)],
      ['<code><code>…', fill('<code>', LARGE)],
      ['<at><at>…', fill('<at>', LARGE)],
      ['<!--<!--…', fill('<!--', LARGE)],
      ['<span itemtype=…Mention" …', fill('<span itemtype="http://schema.skype.com/Mention" ', LARGE)],
      ['<a title="…', fill('<a title="x ', LARGE)],
      ['&amp&amp…', fill('&amp', LARGE)],
    ],
  ],
  [
    'protect (text)',
    (s) => protect(s, 'text'),
    [
      ['@a-a-a-…', fill(`@${'a-'.repeat(50)} `, LARGE)],
      ['```…', fill('```x', LARGE)],
      ['emoji with selectors', fill('👍\uFE0F\uFE0F\u200D', LARGE, '!')],
      ['www.www.…', fill('www.', LARGE)],
      ['⟦xxx…⟦xxx…', fill(`⟦${'x'.repeat(20)}`, LARGE)],
    ],
  ],
  ['restore (html)', (s) => restore(s, [], 'html'), [['<a b <a b …', fill('<a b ', LARGE)], ['⟦ 1 ⟦ 1 …', fill('⟦ 1 ', LARGE)], ['&a&a…', fill('&a', LARGE)]]],
  [
    'skipReason (html)',
    (s) => skipReason(s, { format: 'html' }),
    [
      ['<at><at>…', fill('<at>', LARGE)],
      ['<span itemtype=…Mention" …', fill('<span itemtype="http://schema.skype.com/Mention" ', LARGE)],
      ['<pre><pre>…', fill('<pre>', LARGE)],
    ],
  ],
  ['skipReason (text)', (s) => skipReason(s), [['@a@a…', fill('@a', LARGE)], ['👍\uFE0F…', fill('👍\uFE0F\uFE0F', LARGE, 'x')]]],
  [
    'entity patterns',
    (s) => findPatternEntities(s),
    [
      ['aaaa… (no @)', fill('a', LARGE)],
      ['x@a.a.a.…1', `x@${fill('a.', LARGE, '1')}`],
      ['a@a@a@…', fill('a@', LARGE)],
      ['1.1.1.…a', fill('1.', LARGE, 'a')],
      ['+1 22 33 …', fill('+1 22 33 ', LARGE / 2)],
    ],
  ],
  ['Apertium stream (html)', (s) => toStream(s, 'html'), [['<a<a…', fill('<a', LARGE)], ['<!--<!--…', fill('<!--', LARGE)], ['&a&a…', fill('&a', LARGE)]]],
  ['keepOuterWhitespace', (s) => keepOuterWhitespace(s, 'x'), [['spaces then a letter', fill(' ', LARGE, 'a')]]],
  ['parseCommand', (s) => parseCommand(s, 'text'), [['/parley languages es,es,…', `/parley languages ${fill('es, ;', LARGE)}`]]],
])('%s', (_name, run, inputs) => {
  it.each(inputs)('handles 256 KB of %s in well under a second', (_input, text) => {
    expect(ms(() => run(text))).toBeLessThan(BOUND_MS);
  });
});

describe('header parsing', () => {
  it('reads a huge Authorization or parley-signature header in linear time', () => {
    const headers = { 'x-ms-date': new Date().toUTCString(), 'x-ms-content-sha256': 'x', host: 'h' };
    for (const authorization of [`HMAC-SHA256 SignedHeaders=${fill('a', LARGE)}`, `HMAC-SHA256 SignedHeaders=a&Signature=${fill('a', LARGE)}\n`]) {
      expect(ms(() => verifyHmac('a2V5', { method: 'GET', url: '/', headers: { ...headers, authorization }, rawBody: '' }, Date.now()))).toBeLessThan(BOUND_MS);
    }
    expect(ms(() => verifySignature('secret', fill('t=1,', LARGE), 'body'))).toBeLessThan(BOUND_MS);
  });
});
