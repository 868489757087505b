/**
 * Converts message text to and from Apertium's stream format, replacing Apertium's own
 * deformatters (`apertium-destxt`, `-deshtml`), which drop the `\0` separators of null-flush mode
 * and so cannot feed a long-running pipeline. Pure: no I/O.
 *
 * In the stream, `\ [ ] { } ^ $ / < > @` are escaped with a backslash, and `[ … ]` is a
 * "superblank": format that the pipeline carries through untranslated, in place. HTML tags and
 * placeholder tokens `⟦n⟧` become superblanks, so they survive exactly. (Measured with
 * apertium-eng-spa 0.8.1: raw `⟦0⟧` also survives, but the engine analyses the digits inside it as a
 * number token `⟦^0/0<num>$⟧`, so a pair with number rules could alter it; a superblank cannot be.)
 */

export type StreamFormat = 'text' | 'html';

const RESERVED = /[\\[\]{}^$/<>@]/g;
const TOKEN = /⟦\s*\d+\s*⟧/g;
// Linear: a comment does not run past the next "<!--", a tag not past the next "<" (see bot/decide/text.ts).
const HTML_MARKUP = /<!--(?:(?!<!--)[\s\S])*?-->|<[a-zA-Z/!][^<>]*>/g;
const ENTITY = /&(#\d+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);/g;
const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function escape(text: string): string {
  return text.replace(/\0/g, '').replace(RESERVED, (c) => `\\${c}`);
}

function superblank(raw: string): string {
  return `[${escape(raw)}]`;
}

function textToStream(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    out += escape(text.slice(last, match.index)) + superblank(match[0]);
    last = match.index + match[0].length;
  }
  return out + escape(text.slice(last));
}

function decodeEntity(body: string): string | undefined {
  if (body.startsWith('#')) {
    const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
    return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
  }
  return NAMED[body];
}

function htmlTextToStream(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(ENTITY)) {
    const decoded = decodeEntity(match[1] as string);
    out += textToStream(text.slice(last, match.index));
    // Entities that stand for text are translated as that text; unknown ones stay as format.
    out += decoded === undefined ? superblank(match[0]) : textToStream(decoded);
    last = match.index + match[0].length;
  }
  return out + textToStream(text.slice(last));
}

/** The stream to write to `apertium -f none` for one message. */
export function toStream(text: string, format: StreamFormat): string {
  if (format === 'text') return textToStream(text);
  let out = '';
  let last = 0;
  for (const match of text.matchAll(HTML_MARKUP)) {
    out += htmlTextToStream(text.slice(last, match.index)) + superblank(match[0]);
    last = match.index + match[0].length;
  }
  return out + htmlTextToStream(text.slice(last));
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The message text from Apertium's output stream: escapes undone, superblanks unwrapped verbatim,
 * and (for html) translated text re-escaped for HTML.
 */
export function fromStream(stream: string, format: StreamFormat): string {
  let out = '';
  let text = '';
  const flush = () => {
    out += format === 'html' ? escapeHtml(text) : text;
    text = '';
  };
  for (let i = 0; i < stream.length; i++) {
    const c = stream[i] as string;
    if (c === '\\' && i + 1 < stream.length) {
      text += stream[++i];
    } else if (c === '[') {
      flush();
      let raw = '';
      for (i++; i < stream.length && stream[i] !== ']'; i++) {
        raw += stream[i] === '\\' && i + 1 < stream.length ? stream[++i] : stream[i];
      }
      out += raw;
    } else if (c !== '\0') {
      text += c;
    }
  }
  flush();
  return out;
}

/**
 * Puts the original's leading and trailing whitespace back around the translation: the engine
 * can leave a stray space where it dropped a word (`I saw` → ` Vi`).
 */
export function keepOuterWhitespace(original: string, translated: string): string {
  // trimStart/trimEnd, not /\s*$/: that pattern tries every position of a long run of spaces (quadratic).
  const lead = original.slice(0, original.length - original.trimStart().length);
  const trail = original.slice(original.trimEnd().length);
  return lead + translated.trim() + trail;
}
