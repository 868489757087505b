/**
 * A thread's glossary and register, and the pure operations on them: validating a setting,
 * finding glossary terms in a message, and protecting them from a translator that cannot be told
 * about them (the offline engine). No I/O.
 */
import { normaliseLanguage } from './languages.js';
import { findTerms } from '../../providers/glossary-tokens.js';
import type { TranslateGlossary } from '../../providers/types.js';

/** `formal` (usted, Sie, vous), `informal` (tú, du, tu) or `auto` (as the original is written). */
export type Formality = 'formal' | 'informal' | 'auto';
export const FORMALITIES: readonly Formality[] = ['formal', 'informal', 'auto'];

/** One register for every language, or per language code with an optional `default`. */
export type FormalitySetting = Formality | Record<string, Formality>;

/** Terms never translated, and fixed translations per target language. */
export interface Glossary {
  /** Kept exactly as written in the message (product names, people, jargon). */
  keep: string[];
  /** Target language → source term → its translation, e.g. `{ es: { ticket: 'incidencia' } }`. */
  terms: Record<string, Record<string, string>>;
}

export const EMPTY_GLOSSARY: Glossary = { keep: [], terms: {} };

/** Limits that keep the prompt, the Redis hash and the matching regex small. */
export const GLOSSARY_LIMITS = { entries: 100, termLength: 100 } as const;
/** Most earlier messages that may travel with a message as context. */
export const MAX_CONTEXT = 10;

/** A bad glossary, formality or context setting; `message` says what to fix. */
export class QualitySettingError extends Error {
  constructor(
    readonly code: 'BadGlossary' | 'BadFormality' | 'BadContext',
    message: string,
  ) {
    super(message);
    this.name = 'QualitySettingError';
  }
}

/** Trims a term; rejects empty, multi-line, too long and placeholder-like terms. */
export function checkTerm(raw: string, what: string): string {
  const term = raw.trim().replace(/\s+/g, ' ');
  if (!term) throw new QualitySettingError('BadGlossary', `${what} is empty.`);
  if (term.length > GLOSSARY_LIMITS.termLength) throw new QualitySettingError('BadGlossary', `${what} "${term.slice(0, 20)}…" is longer than ${GLOSSARY_LIMITS.termLength} characters.`);
  if (/[⟦⟧]/.test(term)) throw new QualitySettingError('BadGlossary', `${what} "${term}" may not contain ⟦ or ⟧.`);
  return term;
}

/** Normalises a glossary (codes, whitespace, duplicates) or throws {@link QualitySettingError}. */
export function normaliseGlossary(input: { keep?: readonly string[]; terms?: Readonly<Record<string, Readonly<Record<string, string>>>> }): Glossary {
  const keep = [...new Set((input.keep ?? []).map((k) => checkTerm(k, 'A keep term')))];
  const terms: Glossary['terms'] = {};
  let count = keep.length;
  for (const [rawLang, entries] of Object.entries(input.terms ?? {})) {
    const lang = normaliseLanguage(rawLang);
    if (!lang) throw new QualitySettingError('BadGlossary', `Unknown language code "${rawLang}" in glossary terms. Use ISO 639-1 codes such as es, fr, de.`);
    for (const [source, target] of Object.entries(entries)) {
      (terms[lang] ??= {})[checkTerm(source, 'A glossary term')] = checkTerm(target, `The ${lang} translation of "${source}"`);
      count += 1;
    }
  }
  if (count > GLOSSARY_LIMITS.entries) throw new QualitySettingError('BadGlossary', `A glossary holds at most ${GLOSSARY_LIMITS.entries} entries (keep terms and translations together).`);
  return { keep, terms };
}

/** Normalises a formality setting (codes, `default`) or throws {@link QualitySettingError}. */
export function normaliseFormality(input: string | Readonly<Record<string, string>>): FormalitySetting {
  const one = (v: string, where: string): Formality => {
    const f = FORMALITIES.find((x) => x === v.trim().toLowerCase());
    if (!f) throw new QualitySettingError('BadFormality', `formality${where} must be formal, informal or auto (got "${v}").`);
    return f;
  };
  if (typeof input === 'string') return one(input, '');
  const out: Record<string, Formality> = {};
  for (const [key, value] of Object.entries(input)) {
    const lang = key === 'default' ? 'default' : normaliseLanguage(key);
    if (!lang) throw new QualitySettingError('BadFormality', `Unknown language code "${key}" in formality. Use "default" or ISO 639-1 codes such as es, de.`);
    out[lang] = one(value, ` for ${lang}`);
  }
  const keys = Object.keys(out);
  if (keys.length === 0) return 'auto';
  return keys.length === 1 && keys[0] === 'default' ? out.default! : out;
}

/** The register asked for `lang`. */
export function formalityFor(setting: FormalitySetting, lang: string): Formality {
  return typeof setting === 'string' ? setting : (setting[lang] ?? setting.default ?? 'auto');
}

/** Whether anything other than `auto` is asked for any language. */
export function asksFormality(setting: FormalitySetting): boolean {
  return typeof setting === 'string' ? setting !== 'auto' : Object.values(setting).some((f) => f !== 'auto');
}

/** Checks a context size: an integer 0…{@link MAX_CONTEXT}. */
export function checkContext(n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_CONTEXT) {
    throw new QualitySettingError('BadContext', `context must be a whole number of earlier messages from 0 to ${MAX_CONTEXT} (got ${JSON.stringify(n)}).`);
  }
  return n;
}

/** What of a glossary occurs in one message (see `TranslateGlossary`). */
export type AppliedGlossary = TranslateGlossary;

/** Finds the glossary entries that occur in `text` for `targets` (protected text: tokens never match). */
export function applyGlossary(text: string, glossary: Glossary, targets: readonly string[]): AppliedGlossary {
  const keep = findTerms(text, glossary.keep);
  const kept = new Set(keep.map((k) => k.toLowerCase()));
  const terms: AppliedGlossary['terms'] = {};
  for (const lang of targets) {
    const entries = glossary.terms[lang];
    if (!entries) continue;
    const lower = new Map(Object.entries(entries).map(([s, t]) => [s.toLowerCase(), t]));
    const hits = findTerms(text, Object.keys(entries)).filter((s) => !kept.has(s.toLowerCase()));
    if (hits.length) terms[lang] = hits.map((s) => [s, lower.get(s.toLowerCase())!]);
  }
  return { keep, terms };
}

/** Whether nothing of the glossary occurs in the message. */
export const isEmptyApplied = (a: AppliedGlossary) => a.keep.length === 0 && Object.keys(a.terms).length === 0;

/** Additions and removals to a glossary (from the CLI's flags and the in-thread commands). */
export interface GlossaryEdits {
  keep?: string[];
  unkeep?: string[];
  /** `[language, source term, translation]`. */
  terms?: Array<[string, string, string]>;
  /** `[language, source term]`. */
  unterms?: Array<[string, string]>;
  /** Empty the glossary first. */
  clear?: boolean;
}

/** Applies `edits` to `glossary` (terms compared case-insensitively); the result is normalised. */
export function editGlossary(glossary: Glossary, edits: GlossaryEdits): Glossary {
  const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
  const base = edits.clear ? EMPTY_GLOSSARY : glossary;
  let keep = base.keep.filter((k) => !edits.unkeep?.some((u) => same(u, k)));
  for (const k of edits.keep ?? []) if (!keep.some((x) => same(x, k))) keep = [...keep, k];
  const terms: Record<string, Record<string, string>> = Object.fromEntries(Object.entries(base.terms).map(([l, e]) => [l, { ...e }]));
  const lang = (raw: string) => {
    const code = normaliseLanguage(raw);
    if (!code) throw new QualitySettingError('BadGlossary', `Unknown language code "${raw}" in a glossary term. Use ISO 639-1 codes such as es, fr, de.`);
    return code;
  };
  const drop = (l: string, source: string) => {
    for (const key of Object.keys(terms[l] ?? {})) if (same(key, source)) delete terms[l]![key];
    if (terms[l] && Object.keys(terms[l]!).length === 0) delete terms[l];
  };
  for (const [l, source] of edits.unterms ?? []) drop(lang(l), source);
  for (const [l, source, target] of edits.terms ?? []) {
    const code = lang(l);
    drop(code, source);
    (terms[code] ??= {})[source] = target;
  }
  return normaliseGlossary({ keep, terms });
}

/** Parses `es:ticket=incidencia` (CLI) into `[language, source, translation]`. */
export function parseTermFlag(flag: string): [string, string, string] {
  const m = /^\s*([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)\s*:([^=]+)=(.+)$/.exec(flag);
  if (!m) throw new QualitySettingError('BadGlossary', `--term "${flag}" should look like es:ticket=incidencia (language:term=translation).`);
  return [m[1]!, m[2]!.trim(), m[3]!.trim()];
}

/** Lists a glossary for people: one line per entry, or a sentence when it is empty. */
export function describeGlossary(g: Glossary): string[] {
  const lines = g.keep.map((k) => `keep: ${k}`);
  for (const [l, entries] of Object.entries(g.terms).sort(([a], [b]) => a.localeCompare(b))) {
    for (const [s, t] of Object.entries(entries)) lines.push(`${l}: ${s} = ${t}`);
  }
  return lines;
}

/** Describes a formality setting: `formal`, or `default formal, de informal`. */
export function describeFormality(f: FormalitySetting): string {
  return typeof f === 'string' ? f : Object.entries(f).map(([l, v]) => `${l} ${v}`).join(', ');
}
