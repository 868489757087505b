/**
 * Small text helpers shared by the bot's decision modules: HTML to plain text, entity decoding, and
 * the patterns for URLs, @mentions and emoji. No I/O.
 */

/** Message body formats the bot handles (ACS `text` and `html` messages). */
export type MessageFormat = 'text' | 'html';

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  shy: '\u00ad',
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  euro: '€',
  pound: '£',
  middot: '·',
  bull: '•',
};

const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z][a-zA-Z0-9]{1,31}));/g;
// Characters that would change the markup if decoded inside an HTML text node.
const MARKUP_CHARS = new Set(['&', '<', '>']);

/** Options for {@link decodeEntities}. */
export interface DecodeEntitiesOptions {
  /**
   * Leave entities for `&`, `<` and `>` (in any spelling) encoded, so the result is still valid
   * HTML text content.
   * @defaultValue false
   */
  keepMarkup?: boolean;
}

/**
 * Decodes HTML character references (`&amp;`, `&#39;`, `&#x1F600;`, common named ones).
 * Unknown named entities and invalid code points are left as written.
 */
export function decodeEntities(text: string, { keepMarkup = false }: DecodeEntitiesOptions = {}): string {
  return text.replace(ENTITY, (whole, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    let decoded: string | undefined;
    if (name !== undefined) {
      decoded = NAMED_ENTITIES[name.toLowerCase()];
    } else {
      const code = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? '', 16);
      if (code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)) decoded = String.fromCodePoint(code);
    }
    if (decoded === undefined || (keepMarkup && MARKUP_CHARS.has(decoded))) return whole;
    return decoded;
  });
}

/** Escapes `&`, `<` and `>` so a string can be placed in an HTML text node. */
export function escapeHtmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/*
 * Every pattern that reads message text must run in linear time (README, Security notes): no
 * quantifier may overlap the one next to it, and a match attempt must stop where the next attempt
 * would start, or a message of `<<<…` makes every attempt scan to the end (quadratic). Hence
 * tags that never contain `<` and content that may not run past the next opening of the same
 * construct.
 */

/**
 * Source of a regex matching one character of a tag after its name, or a whole quoted attribute
 * value (which may hold `>`). Its three alternatives start with different characters, so each
 * character has exactly one way to match: linear, though it nests quantifiers.
 */
export const TAG_CHAR_SOURCE = String.raw`(?:[^<>"']|"[^<"]*"|'[^<']*')`;

/** Source of a regex matching one start or end tag (quoted attribute values may hold `>`, nothing holds `<`). */
export const TAG_SOURCE = String.raw`<\/?[a-zA-Z]${TAG_CHAR_SOURCE}*>`;

/** Source of a regex matching an HTML comment; it does not run past the next `<!--`. */
export const COMMENT_SOURCE = String.raw`<!--(?:(?!<!--)[\s\S])*?-->`;

/** Source of a regex matching a mention element (ACS/Teams `<span itemtype=…/Mention>` or `<at>`) with its content. */
export const MENTION_ELEMENT_SOURCE = String.raw`<span\b(?=[^<>]*itemtype\s*=\s*["']http:\/\/schema\.skype\.com\/Mention["'])[^<>]*>(?:(?!<span\b)[\s\S])*?<\/span\s*>|<at\b[^<>]*>(?:(?!<at\b)[\s\S])*?<\/at\s*>`;

/** Source of a regex matching a `<code>`, `<pre>`, `<script>` or `<style>` element with its content (group 1: the name). */
export const VERBATIM_ELEMENT_SOURCE = String.raw`<(code|pre|script|style)\b[^<>]*>(?:(?!<\1\b)[\s\S])*?<\/\1\s*>`;

const BLOCK_BREAK = /<br\s*\/?>|<\/(?:p|div|li|h[1-6]|tr|blockquote|pre)\s*>/gi;
const ANY_TAG = new RegExp(`${COMMENT_SOURCE}|${TAG_SOURCE}`, 'g');

/**
 * Converts an ACS `html` message body to plain text: `<br>` and the end of block elements become
 * line breaks, other tags are dropped, entities are decoded, and the result is trimmed.
 * Not a sanitizer: use it to read a message, never to render one.
 */
export function htmlToText(html: string): string {
  const text = decodeEntities(html.replace(BLOCK_BREAK, '\n').replace(ANY_TAG, ''));
  return text
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Source of a regex matching an http(s) or `www.` URL; trailing punctuation is trimmed by {@link splitUrlTail}. */
export const URL_SOURCE = String.raw`(?<![\p{L}\p{N}_@/.])(?:https?:\/\/|www\.)[^\s<>"'\x60⟦⟧]+`;

/** Source of a regex matching a plain-text `@name` mention (not the `@` in an e-mail address). */
export const MENTION_SOURCE = String.raw`(?<![\p{L}\p{N}_.@])@(?=[\p{L}\p{N}_])[\p{L}\p{N}_.\-]*[\p{L}\p{N}_]`;

// One emoji: a flag (regional indicator pair), a keycap, or a pictograph with optional presentation
// selector, skin tone and tag sequence (subdivision flags); ZWJ joins several into one glyph.
const EMOJI_ATOM = String.raw`(?:\p{Regional_Indicator}{2}|[0-9#*]\uFE0F?\u20E3|\p{Extended_Pictographic}\uFE0F?\p{Emoji_Modifier}?[\u{E0020}-\u{E007F}]*|\p{Emoji_Modifier}|\p{Regional_Indicator})`;

/** Source of a regex matching a run of one or more emoji (ZWJ sequences, skin tones, flags, keycaps). */
export const EMOJI_SOURCE = String.raw`(?:${EMOJI_ATOM}(?:\u200D${EMOJI_ATOM})*\uFE0F?)+`;

/**
 * Splits trailing sentence punctuation off a URL match: `https://x.org/a.` → `['https://x.org/a', '.']`.
 * A closing parenthesis stays when the URL opened one (`.../Foo_(bar)`).
 */
export function splitUrlTail(match: string): [url: string, tail: string] {
  let end = match.length;
  while (end > 0) {
    const ch = match[end - 1] ?? '';
    if ('.,;:!?\'"]}*'.includes(ch)) {
      end -= 1;
    } else if (ch === ')') {
      const body = match.slice(0, end);
      const opens = body.split('(').length - 1;
      const closes = body.split(')').length - 1;
      if (closes > opens) end -= 1;
      else break;
    } else {
      break;
    }
  }
  return [match.slice(0, end), match.slice(end)];
}
