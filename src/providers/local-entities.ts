/**
 * Entities without a model: regular expressions for e-mails, URLs, phone numbers and quantities in
 * any language, plus `compromise` (a rule-based English tagger) for people, places and
 * organizations. compromise (~5 MB) is loaded on first use, not at start-up.
 */
import type { Entity } from './types.js';

const PATTERNS: readonly { category: string; regex: RegExp }[] = [
  // The lookbehind starts an attempt only at the beginning of a run of address characters, so
  // attempts do not rescan the same run (quadratic on a long word without "@").
  { category: 'Email', regex: /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu },
  { category: 'URL', regex: /\b(?:https?:\/\/|www\.)[^\s<>"']+[^\s<>"'.,;:!?)\]]/gi },
  { category: 'PhoneNumber', regex: /(?<![\w+])\+?\d{1,3}[ .-]?\(?\d{2,4}\)?(?:[ .-]?\d{2,4}){2,3}(?!\w)/g },
  { category: 'Quantity', regex: /(?<![\p{L}\p{N}.,])\d+(?:[.,]\d+)*(?:\s?%)?(?![\p{L}\p{N}])/gu },
];

type Nlp = typeof import('compromise').default;
let nlpPromise: Promise<Nlp> | undefined;

function loadNlp(): Promise<Nlp> {
  nlpPromise ??= import('compromise').then((m) => m.default);
  return nlpPromise;
}

interface Offset {
  start: number;
  length: number;
}

/** Regex entities, earlier patterns winning over later ones where they overlap. */
export function findPatternEntities(text: string): Entity[] {
  let found: Entity[] = [];
  for (const { category, regex } of PATTERNS) {
    const matches = [...text.matchAll(regex)].map((m) => ({ text: m[0], category, offset: m.index, length: m[0].length }));
    found = merged(found, matches);
  }
  return found;
}

/**
 * All entities. `english` enables the English name tagger; for other languages only the
 * language-independent patterns run (a capitalised-word guess would be wrong too often).
 */
export async function findEntities(text: string, english: boolean): Promise<Entity[]> {
  const found = findPatternEntities(text);
  if (!english) return found;
  const nlp = await loadNlp();
  const doc = nlp(text);
  const groups: [string, { json(options: object): { offset?: Offset }[] }][] = [
    ['Person', doc.people()],
    ['Location', doc.places()],
    ['Organization', doc.organizations()],
  ];
  let all = found;
  for (const [category, view] of groups) {
    const names: Entity[] = [];
    for (const item of view.json({ offset: true })) {
      if (!item.offset) continue;
      const entity = trimmed(text, item.offset.start, item.offset.length, category);
      if (entity) names.push(entity);
    }
    all = merged(all, names);
  }
  return all;
}

// compromise's spans include adjacent punctuation ("Paris."); keep only the name itself.
function trimmed(text: string, start: number, length: number, category: string): Entity | undefined {
  let from = start;
  let to = start + length;
  while (from < to && !/[\p{L}\p{N}]/u.test(text[from] as string)) from++;
  while (to > from && !/[\p{L}\p{N}]/u.test(text[to - 1] as string)) to--;
  if (to <= from) return undefined;
  return { text: text.slice(from, to), category, offset: from, length: to - from };
}

/**
 * `kept` (sorted by offset, no overlaps) plus the `candidates` that overlap neither it nor an
 * earlier candidate, sorted by offset: earlier finds win. Linear after sorting, so a message with
 * thousands of numbers does not cost a quadratic overlap check.
 */
function merged(kept: readonly Entity[], candidates: readonly Entity[]): Entity[] {
  const sorted = [...candidates].sort((a, b) => a.offset - b.offset);
  const out: Entity[] = [];
  let k = 0;
  let lastEnd = -1;
  for (const c of sorted) {
    const end = c.offset + c.length;
    while (k < kept.length && kept[k]!.offset + kept[k]!.length <= c.offset) out.push(kept[k++]!);
    if (c.offset < lastEnd) continue;
    if (k < kept.length && kept[k]!.offset < end) continue;
    out.push(c);
    lastEnd = end;
  }
  while (k < kept.length) out.push(kept[k++]!);
  return out;
}
