import { chatFixture } from './fixtures.js';
import { describe, expect, it } from 'vitest';
import { sanitizeMessageHtml } from '../../../src/chat/service/sanitize.js';

describe('sanitizeMessageHtml', () => {
  it.each([
    ['script elements and their code', 'a<script>alert(1)</script>b', 'ab'],
    ['style elements', '<style>body{display:none}</style>x', 'x'],
    ['on* handlers', '<b onclick="steal()" onmouseover="x()">bold</b>', '<b>bold</b>'],
    ['handlers on images', '<img src="https://e.example/a.png" onerror="x()">', '<img src="https://e.example/a.png" />'],
    ['javascript: links', '<a href="javascript:alert(1)">go</a>', '<a>go</a>'],
    ['obfuscated javascript: links', '<a href="  JaVaScRiPt:alert(1)">go</a>', '<a>go</a>'],
    ['data: image sources', '<img src="data:text/html;base64,PHNjcmlwdD4=">', '<img />'],
    ['iframes', 'x<iframe src="https://evil.example"></iframe>y', 'xy'],
    ['objects and embeds', '<object data="x.swf"></object><embed src="x.swf">z', 'z'],
    ['forms and inputs', '<form action="https://e.example"><input name="p"></form>k', 'k'],
  ])('removes %s', (_, input, expected) => {
    expect(sanitizeMessageHtml(input)).toBe(expected);
  });

  it.each([
    ['bold and italics', '<b>b</b> <i>i</i> <strong>s</strong> <em>e</em>'],
    ['https links', '<a href="https://example.com/x?y=1">link</a>'],
    ['mailto links', '<a href="mailto:a@example.com">mail</a>'],
    ['lists', '<ul><li>one</li><li>two</li></ul><ol><li>first</li></ol>'],
    ['code', '<p>run <code>npm test</code></p><pre><code class="language-ts">const x = 1;</code></pre>'],
    ['tables', '<table><tbody><tr><td colspan="2">cell</td></tr></tbody></table>'],
    ['ACS mention spans', '<span itemscope itemtype="http://schema.skype.com/Mention" itemid="0">@Bob</span>'],
  ])('keeps %s', (_, html) => {
    expect(sanitizeMessageHtml(html)).toBe(html);
  });

  it('escapes stray markup characters in text', () => {
    expect(sanitizeMessageHtml('1 < 2 & 3 > 2')).toBe('1 &lt; 2 &amp; 3 &gt; 2');
  });
});

describe('html that sanitizes to nothing', () => {
  it('is refused with 400 instead of being stored empty', () => {
    const f = chatFixture();
    const alice = f.user();
    const { thread } = f.service.createThread(alice, { topic: 't', participants: [] });
    expect(() => f.service.sendMessage(alice, thread.id, { content: '<script>alert(1)</script>', type: 'html' })).toThrow(
      expect.objectContaining({ status: 400 }),
    );
    expect(f.service.sendMessage(alice, thread.id, { content: '<p><img src="https://x/y.png"></p>', type: 'html' }).content.message).toContain('<img');
  });
});
