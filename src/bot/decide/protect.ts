/**
 * Placeholder protection for machine translation: the parts of a message a translator must not
 * touch (mentions, code, URLs, emoji, HTML markup) are swapped for opaque tokens `⟦0⟧`, `⟦1⟧`, …
 * before translating and swapped back afterwards. Pure: no I/O.
 *
 * `⟦`/`⟧` (U+27E6/U+27E7) are punctuation no language uses in prose, so LLMs copy them and Apertium
 * passes them through as unknown symbols. Run Apertium with `-u` so it does not prefix them with the
 * `*` it puts on unknown words.
 */
import {
  COMMENT_SOURCE,
  EMOJI_SOURCE,
  MENTION_ELEMENT_SOURCE,
  MENTION_SOURCE,
  TAG_CHAR_SOURCE,
  TAG_SOURCE,
  URL_SOURCE,
  VERBATIM_ELEMENT_SOURCE,
  decodeEntities,
  escapeHtmlText,
  splitUrlTail,
} from './text.js';
import type { MessageFormat } from './text.js';

/** A protected message: `text` to send to the translator and the originals of its tokens, by index. */
export interface Protected {
  text: string;
  placeholders: string[];
}

/** Result of {@link restore}: the restored text, or what is wrong with the translator's answer. */
export type RestoreResult = { ok: true; text: string } | { ok: false; problem: string };

/** The token for placeholder `index`: `⟦index⟧`. */
export function token(index: number): string {
  return `⟦${index}⟧`;
}

/**
 * Matches a token, tolerating whitespace a model may insert inside it (`⟦ 3 ⟧`); group 1 is the
 * index. Global: reset `lastIndex` or use it with `matchAll`/`replace`.
 */
export const TOKEN_REGEX = /⟦\s*(\d+)\s*⟧/g;

// Text-node pieces that must survive translation, in priority order. Token-like text and bare ⟦ ⟧
// are protected too, so a message that quotes a token cannot be confused with a real one.
const TEXT_PIECES = new RegExp(
  [
    '```[\\s\\S]*?```',
    '`[^`\\n]+`',
    `(?<url>${URL_SOURCE})`,
    MENTION_SOURCE,
    EMOJI_SOURCE,
    '⟦[^⟦⟧\\n]{0,20}⟧|[⟦⟧]',
    // Reached only in HTML text nodes (see protectHtml): entities that still encode markup.
    '(?<entity>&(?:[a-zA-Z][a-zA-Z0-9]*|#\\d+|#[xX][0-9a-fA-F]+);)',
  ].join('|'),
  'gu',
);

const HTML_PIECES = new RegExp(
  [
    // Whole elements whose content is not prose: mentions (ACS/Teams and <at>), code, scripts.
    MENTION_ELEMENT_SOURCE,
    VERBATIM_ELEMENT_SOURCE,
    COMMENT_SOURCE,
    // Any other tag, with quoted attribute values that may contain ">".
    TAG_SOURCE,
  ].join('|'),
  'gi',
);

/**
 * Replaces the untranslatable parts of a message with tokens. Text: fenced and inline code,
 * URLs, `@mentions`, emoji runs. HTML additionally: every tag (so only text nodes are translated),
 * whole mention/`<code>`/`<pre>` elements, and the `&amp;`/`&lt;`/`&gt;` entities; other entities in
 * text nodes are decoded to characters. Each occurrence gets its own token, numbered in order.
 */
export function protect(text: string, format: MessageFormat): Protected {
  const placeholders: string[] = [];
  const add = (original: string): string => token(placeholders.push(original) - 1);
  const protectText = (segment: string): string =>
    segment.replace(TEXT_PIECES, (match: string, ...rest: unknown[]) => {
      const groups = rest.at(-1) as { url?: string; entity?: string };
      if (groups.url !== undefined) {
        const [url, tail] = splitUrlTail(match);
        return add(url) + tail;
      }
      if (groups.entity !== undefined && format === 'text') return match;
      return add(match);
    });

  if (format === 'text') return { text: protectText(text), placeholders };

  let out = '';
  let last = 0;
  for (const m of text.matchAll(HTML_PIECES)) {
    out += protectText(decodeEntities(text.slice(last, m.index), { keepMarkup: true })) + add(m[0]);
    last = m.index + m[0].length;
  }
  out += protectText(decodeEntities(text.slice(last), { keepMarkup: true }));
  return { text: out, placeholders };
}

/**
 * Puts the originals back into a translation. Fails unless every token appears exactly once and no
 * unknown or damaged token (a stray `⟦`/`⟧`) is left; tokens may come in any order. For HTML, text
 * the translator wrote is escaped, and when the original tags nested properly the restored ones
 * must too.
 */
export function restore(translated: string, placeholders: readonly string[], format: MessageFormat = 'text'): RestoreResult {
  const counts = new Array<number>(placeholders.length).fill(0);
  for (const m of translated.matchAll(TOKEN_REGEX)) {
    const index = Number(m[1]);
    if (index >= placeholders.length) return { ok: false, problem: `unknown token ${token(index)}` };
    counts[index] = (counts[index] ?? 0) + 1;
  }
  const stray = translated.replace(TOKEN_REGEX, '').match(/[⟦⟧]/);
  if (stray) return { ok: false, problem: `damaged token near "${excerpt(translated, stray.index ?? 0)}"` };
  const duplicated = counts.findIndex((c) => c > 1);
  if (duplicated >= 0) return { ok: false, problem: `duplicated token ${token(duplicated)}` };
  const missing = counts.findIndex((c) => c === 0);
  if (missing >= 0) return { ok: false, problem: `missing token ${token(missing)}` };

  const parts = translated.split(new RegExp(TOKEN_REGEX.source));
  // split() with one capture group alternates text, index, text, index, …, text.
  const text = parts
    .map((part, i) => (i % 2 === 1 ? (placeholders[Number(part)] ?? '') : format === 'html' ? escapeProse(part) : part))
    .join('');

  if (format === 'html' && nestingProblem(placeholders.join('')) === null) {
    const problem = nestingProblem(text);
    if (problem !== null) return { ok: false, problem };
  }
  return { ok: true, text };
}

// Escapes markup characters a translator wrote, but keeps entities it may have copied.
function escapeProse(text: string): string {
  return text.replace(/&(?![a-zA-Z][a-zA-Z0-9]*;|#\d+;|#[xX][0-9a-fA-F]+;)|[<>]/g, (ch) => escapeHtmlText(ch));
}

const VOID_ELEMENTS = new Set([
  'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr',
]);
// A comment, or a tag: group 1 "/" for an end tag, 2 the name, 3 "/" for a self-closing tag.
const TAG = new RegExp(`${COMMENT_SOURCE}|<(\\/?)([a-zA-Z][a-zA-Z0-9-]*)(?=[\\s/>])${TAG_CHAR_SOURCE}*?(\\/?)>`, 'g');

/** `null` when the tags in `html` open and close in a properly nested order, else a description. */
function nestingProblem(html: string): string | null {
  const open: string[] = [];
  for (const m of html.matchAll(TAG)) {
    const [, closing, rawName, selfClosing] = m;
    if (rawName === undefined) continue; // comment
    const name = rawName.toLowerCase();
    if (VOID_ELEMENTS.has(name) || selfClosing === '/') continue;
    if (closing !== '/') open.push(name);
    else if (open.pop() !== name) return `tags out of order at </${name}>`;
  }
  return open.length === 0 ? null : `unclosed <${open.at(-1) ?? ''}>`;
}

function excerpt(text: string, at: number): string {
  return text.slice(Math.max(0, at - 10), at + 10);
}
