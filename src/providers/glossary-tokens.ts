/**
 * Glossary terms in a text, and their protection for engines that cannot be told about them
 * (Apertium): each occurrence becomes a placeholder token `⟦n⟧` the engine passes through, and
 * comes back as the kept term or its required translation. Pure.
 */
import type { TranslateGlossary } from './types.js';

const TOKEN = /⟦\s*(\d+)\s*⟧/g;

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whole-word, case-insensitive occurrences of `terms` in `text`, as written there (longest term
 * first, so "Acme Cloud" wins over "Acme"; never inside a token). The regex is an alternation of
 * escaped literals: no overlapping quantifiers.
 */
export function termRegex(terms: readonly string[]): RegExp | null {
  if (!terms.length) return null;
  const alternatives = [...new Set(terms)].sort((a, b) => b.length - a.length).map(escapeRegex).join('|');
  return new RegExp(`(?<![\\p{L}\\p{N}⟦])(?:${alternatives})(?![\\p{L}\\p{N}⟧])`, 'giu');
}

/** The distinct occurrences of `terms` in `text`, as written there. */
export function findTerms(text: string, terms: readonly string[]): string[] {
  const regex = termRegex(terms);
  return regex ? [...new Set([...text.matchAll(regex)].map((m) => m[0]))] : [];
}

/**
 * Replaces the keep terms and `lang`'s required terms in `text` with fresh tokens (numbered after
 * those already in it). `restore` puts the kept term (as written at that spot) or the required
 * translation in their place; tokens it did not make are left alone.
 */
export function protectGlossary(text: string, glossary: TranslateGlossary | undefined, lang: string): { text: string; restore: (translated: string) => string } {
  const keep = new Set((glossary?.keep ?? []).map((k) => k.toLowerCase()));
  const required = new Map((glossary?.terms[lang] ?? []).map(([s, t]) => [s.toLowerCase(), t]));
  const regex = termRegex([...(glossary?.keep ?? []), ...(glossary?.terms[lang] ?? []).map(([s]) => s)]);
  if (!regex) return { text, restore: (t) => t };
  let next = Math.max(-1, ...[...text.matchAll(TOKEN)].map((m) => Number(m[1]))) + 1;
  const values = new Map<number, string>();
  const out = text.replace(regex, (match) => {
    values.set(next, keep.has(match.toLowerCase()) ? match : (required.get(match.toLowerCase()) ?? match));
    return `⟦${next++}⟧`;
  });
  return { text: out, restore: (translated) => translated.replace(TOKEN, (m, index: string) => values.get(Number(index)) ?? m) };
}
