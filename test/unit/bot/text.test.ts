import { describe, it, expect } from 'vitest';
import { decodeEntities, escapeHtmlText, htmlToText, splitUrlTail } from '../../../src/bot/decide/text.js';

describe('htmlToText', () => {
  it('drops tags and decodes entities', () => {
    expect(htmlToText('<p>Tom &amp; <b>Jerry</b> don&#39;t &lt;3 &#x1F600;</p>')).toBe("Tom & Jerry don't <3 😀");
  });

  it('turns <br> and block ends into line breaks', () => {
    expect(htmlToText('<p>/parley on</p><p>thanks</p>')).toBe('/parley on\nthanks');
    expect(htmlToText('one<br>two<br/>three')).toBe('one\ntwo\nthree');
  });

  it('is empty for markup without text', () => {
    expect(htmlToText('<p>&nbsp;</p><img src="x.png">')).toBe('');
  });
});

describe('decodeEntities', () => {
  it('keeps markup entities encoded when asked', () => {
    expect(decodeEntities('a &lt; b &amp;&#38; c&nbsp;&quot;d&quot;', { keepMarkup: true })).toBe('a &lt; b &amp;&#38; c\u00a0"d"');
  });

  it('leaves unknown entities and invalid code points alone', () => {
    expect(decodeEntities('&bogus; &#xD800; &#0;')).toBe('&bogus; &#xD800; &#0;');
  });
});

describe('escapeHtmlText', () => {
  it('escapes the three markup characters', () => {
    expect(escapeHtmlText('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
  });
});

describe('splitUrlTail', () => {
  it('splits sentence punctuation off the end', () => {
    expect(splitUrlTail('https://x.org/a.')).toEqual(['https://x.org/a', '.']);
    expect(splitUrlTail('https://x.org/a?b=1),')).toEqual(['https://x.org/a?b=1', '),']);
  });

  it('keeps a closing parenthesis the URL opened', () => {
    expect(splitUrlTail('https://en.wikipedia.org/wiki/Foo_(bar)')).toEqual(['https://en.wikipedia.org/wiki/Foo_(bar)', '']);
  });
});
