import { describe, it, expect } from 'vitest';
import { TOKEN_REGEX, protect, restore, token } from '../../../src/bot/decide/protect.js';

describe('protect (text)', () => {
  it('replaces a mention, a URL, inline code and emoji with numbered tokens', () => {
    const p = protect('Hey @maria, see https://example.com/docs?a=1&b=2. Run `npm test` 👍🏽 ok?', 'text');
    expect(p.text).toBe('Hey ⟦0⟧, see ⟦1⟧. Run ⟦2⟧ ⟦3⟧ ok?');
    expect(p.placeholders).toEqual(['@maria', 'https://example.com/docs?a=1&b=2', '`npm test`', '👍🏽']);
  });

  it('protects a fenced code block as one token', () => {
    const p = protect('Try this:\n```ts\nconst x = `a`;\n```\nDoes it work?', 'text');
    expect(p.text).toBe('Try this:\n⟦0⟧\nDoes it work?');
    expect(p.placeholders).toEqual(['```ts\nconst x = `a`;\n```']);
  });

  it('keeps ZWJ sequences and flags whole, and a run of emoji in one token', () => {
    const p = protect('family 👨‍👩‍👧 in 🇪🇸 😀😀😀', 'text');
    expect(p.text).toBe('family ⟦0⟧ in ⟦1⟧ ⟦2⟧');
    expect(p.placeholders).toEqual(['👨‍👩‍👧', '🇪🇸', '😀😀😀']);
  });

  it('protects www URLs and keeps a parenthesis the URL opened', () => {
    const p = protect('See www.example.org and https://en.wikipedia.org/wiki/Foo_(bar) (or https://a.b/c).', 'text');
    expect(p.placeholders).toEqual(['www.example.org', 'https://en.wikipedia.org/wiki/Foo_(bar)', 'https://a.b/c']);
    expect(p.text).toBe('See ⟦0⟧ and ⟦1⟧ (or ⟦2⟧).');
  });

  it('does not take the @ of an e-mail address for a mention', () => {
    expect(protect('mail bob@example.com', 'text').placeholders).toEqual([]);
  });

  it('protects text that already looks like a token', () => {
    const p = protect('the ⟦0⟧ marker', 'text');
    expect(p.placeholders).toEqual(['⟦0⟧']);
    expect(restore('el marcador ⟦0⟧', p.placeholders)).toEqual({ ok: true, text: 'el marcador ⟦0⟧' });
  });

  it('leaves entities alone in plain text', () => {
    expect(protect('Tom &amp; Jerry', 'text')).toEqual({ text: 'Tom &amp; Jerry', placeholders: [] });
  });

  it('leaves a message with nothing to protect unchanged', () => {
    expect(protect('Good morning', 'text')).toEqual({ text: 'Good morning', placeholders: [] });
  });
});

describe('protect (html)', () => {
  const html =
    '<p>Hello <b>world</b>, read <a href="https://x.org/a?b=1&amp;c=2">the docs</a> &amp; run <code>npm &lt;x&gt;</code>, don&#39;t wait</p>';

  it('turns each tag into a token and keeps code elements whole, so only text nodes remain', () => {
    const p = protect(html, 'html');
    expect(p.text).toBe("⟦0⟧Hello ⟦1⟧world⟦2⟧, read ⟦3⟧the docs⟦4⟧ ⟦5⟧ run ⟦6⟧, don't wait⟦7⟧");
    expect(p.placeholders).toEqual([
      '<p>',
      '<b>',
      '</b>',
      '<a href="https://x.org/a?b=1&amp;c=2">',
      '</a>',
      '&amp;',
      '<code>npm &lt;x&gt;</code>',
      '</p>',
    ]);
  });

  it('protects ACS and <at> mention elements whole', () => {
    const mention = '<span itemscope itemtype="http://schema.skype.com/Mention" itemid="0">Ana García</span>';
    const p = protect(`${mention} and <at id="1">Bo</at>, can you check?`, 'html');
    expect(p.text).toBe('⟦0⟧ and ⟦1⟧, can you check?');
    expect(p.placeholders).toEqual([mention, '<at id="1">Bo</at>']);
  });

  it('keeps a > inside a quoted attribute within its tag token', () => {
    const p = protect('<a title="a > b" href="https://x.org">link</a>', 'html');
    expect(p.text).toBe('⟦0⟧link⟦1⟧');
  });

  it('protects <pre> blocks, URLs and emoji in text nodes', () => {
    const p = protect('<p>Log 🔥 at https://x.org/log</p><pre>ERROR <b>1</b></pre>', 'html');
    expect(p.text).toBe('⟦0⟧Log ⟦1⟧ at ⟦2⟧⟦3⟧⟦4⟧');
    expect(p.placeholders.slice(1)).toEqual(['🔥', 'https://x.org/log', '</p>', '<pre>ERROR <b>1</b></pre>']);
  });
});

describe('restore', () => {
  const p = protect('Hey @maria, see https://example.com/docs. Run `npm test` 👍🏽', 'text');

  it('round-trips an untranslated text', () => {
    expect(restore(p.text, p.placeholders)).toEqual({ ok: true, text: 'Hey @maria, see https://example.com/docs. Run `npm test` 👍🏽' });
  });

  it('accepts tokens in a different order', () => {
    expect(restore('Ejecuta ⟦2⟧ ⟦3⟧ y mira ⟦1⟧, ⟦0⟧.', p.placeholders)).toEqual({
      ok: true,
      text: 'Ejecuta `npm test` 👍🏽 y mira https://example.com/docs, @maria.',
    });
  });

  it('tolerates whitespace inside tokens', () => {
    const r = restore('Hola ⟦ 0 ⟧, mira ⟦1 ⟧. Ejecuta ⟦\u00a02⟧ ⟦3⟧', p.placeholders);
    expect(r).toEqual({ ok: true, text: 'Hola @maria, mira https://example.com/docs. Ejecuta `npm test` 👍🏽' });
  });

  it('fails when a token was dropped', () => {
    expect(restore('Hola ⟦0⟧, mira ⟦1⟧. Ejecuta ⟦2⟧', p.placeholders)).toEqual({ ok: false, problem: 'missing token ⟦3⟧' });
  });

  it('fails when a token was duplicated', () => {
    expect(restore('Hola ⟦0⟧ ⟦0⟧, mira ⟦1⟧. Ejecuta ⟦2⟧ ⟦3⟧', p.placeholders)).toEqual({ ok: false, problem: 'duplicated token ⟦0⟧' });
  });

  it('fails when a token was mangled', () => {
    const r = restore('Hola ⟦0, mira ⟦1⟧. Ejecuta ⟦2⟧ ⟦3⟧', p.placeholders);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem).toMatch(/^damaged token/);
    expect(restore('Hola [0], mira ⟦1⟧. Ejecuta ⟦2⟧ ⟦3⟧', p.placeholders)).toEqual({ ok: false, problem: 'missing token ⟦0⟧' });
  });

  it('fails when a token was invented', () => {
    expect(restore('Hola ⟦0⟧, mira ⟦1⟧. Ejecuta ⟦2⟧ ⟦3⟧ ⟦4⟧', p.placeholders)).toEqual({ ok: false, problem: 'unknown token ⟦4⟧' });
  });

  it('restores a translated html message', () => {
    const src = protect('<p>Hello <b>world</b> &amp; <a href="https://x.org">friends</a></p>', 'html');
    expect(restore('⟦0⟧Hola ⟦1⟧mundo⟦2⟧ ⟦3⟧ ⟦4⟧amigos⟦5⟧⟦6⟧', src.placeholders, 'html')).toEqual({
      ok: true,
      text: '<p>Hola <b>mundo</b> &amp; <a href="https://x.org">amigos</a></p>',
    });
  });

  it('escapes markup the translator wrote into html text, keeping entities it copied', () => {
    const src = protect('<p>a is less than b</p>', 'html');
    expect(restore('⟦0⟧a < b &amp; c & d⟦1⟧', src.placeholders, 'html')).toEqual({ ok: true, text: '<p>a &lt; b &amp; c &amp; d</p>' });
    expect(restore('⟦0⟧a < b⟦1⟧', src.placeholders, 'text')).toEqual({ ok: true, text: '<p>a < b</p>' });
  });

  it('fails when reordered html tokens would break the nesting', () => {
    const src = protect('<p><b>red</b> <i>car</i></p>', 'html');
    expect(restore('⟦0⟧⟦3⟧coche⟦2⟧ ⟦1⟧rojo⟦4⟧⟦5⟧', src.placeholders, 'html')).toMatchObject({ ok: false });
    expect(restore('⟦0⟧⟦3⟧coche⟦4⟧ ⟦1⟧rojo⟦2⟧⟦5⟧', src.placeholders, 'html')).toEqual({
      ok: true,
      text: '<p><i>coche</i> <b>rojo</b></p>',
    });
  });

  it('does not demand nesting the original html did not have', () => {
    const src = protect('<b>bold <i>both</b> italic</i>', 'html');
    expect(restore(src.text, src.placeholders, 'html')).toEqual({ ok: true, text: '<b>bold <i>both</b> italic</i>' });
  });
});

describe('TOKEN_REGEX and token', () => {
  it('matches tokens with inner whitespace and captures the index', () => {
    expect([...'a ⟦12⟧ b ⟦ 3 ⟧'.matchAll(TOKEN_REGEX)].map((m) => m[1])).toEqual(['12', '3']);
    expect(token(7)).toBe('⟦7⟧');
  });
});
