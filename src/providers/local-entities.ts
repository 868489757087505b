/**
 * Entities without a model: regular expressions for e-mails, URLs, phone numbers and quantities in
 * any language, plus `compromise` (a rule-based English tagger) for people, places and
 * organizations. compromise (~5 MB) is loaded on first use, not at start-up.
 */
import type { Entity } from './types.js';

const PATTERNS: readonly { category: string; regex: RegExp }[] = [
  { category: 'Email', regex: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu },
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
  const found: Entity[] = [];
  for (const { category, regex } of PATTERNS) {
    for (const match of text.matchAll(regex)) {
      add(found, { text: match[0], category, offset: match.index, length: match[0].length });
    }
  }
  return found.sort((a, b) => a.offset - b.offset);
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
  for (const [category, view] of groups) {
    for (const item of view.json({ offset: true })) {
      if (!item.offset) continue;
      const entity = trimmed(text, item.offset.start, item.offset.length, category);
      if (entity) add(found, entity);
    }
  }
  return found.sort((a, b) => a.offset - b.offset);
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

function add(found: Entity[], entity: Entity): void {
  const end = entity.offset + entity.length;
  if (found.some((e) => entity.offset < e.offset + e.length && e.offset < end)) return;
  found.push(entity);
}
