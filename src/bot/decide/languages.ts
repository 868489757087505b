/**
 * The languages parley accepts in settings: ISO 639-1 two-letter codes with their English names,
 * and the normalisation every setting and detector result goes through.
 *
 * Region and script subtags are dropped (`pt-BR` → `pt`, `zh-Hant` → `zh`): one thread setting per
 * language keeps the model call small, and the providers translate into the base language anyway.
 */

/** Supported language codes (ISO 639-1, lower case) → English name. */
export const LANGUAGES: Readonly<Record<string, string>> = {
  af: 'Afrikaans',
  ar: 'Arabic',
  bg: 'Bulgarian',
  bn: 'Bengali',
  ca: 'Catalan',
  cs: 'Czech',
  cy: 'Welsh',
  da: 'Danish',
  de: 'German',
  el: 'Greek',
  en: 'English',
  eo: 'Esperanto',
  es: 'Spanish',
  et: 'Estonian',
  eu: 'Basque',
  fa: 'Persian',
  fi: 'Finnish',
  fr: 'French',
  ga: 'Irish',
  gl: 'Galician',
  he: 'Hebrew',
  hi: 'Hindi',
  hr: 'Croatian',
  hu: 'Hungarian',
  id: 'Indonesian',
  it: 'Italian',
  ja: 'Japanese',
  ko: 'Korean',
  lt: 'Lithuanian',
  lv: 'Latvian',
  ms: 'Malay',
  nl: 'Dutch',
  no: 'Norwegian',
  oc: 'Occitan',
  pl: 'Polish',
  pt: 'Portuguese',
  ro: 'Romanian',
  ru: 'Russian',
  sk: 'Slovak',
  sl: 'Slovenian',
  sr: 'Serbian',
  sv: 'Swedish',
  sw: 'Swahili',
  ta: 'Tamil',
  th: 'Thai',
  tr: 'Turkish',
  uk: 'Ukrainian',
  ur: 'Urdu',
  vi: 'Vietnamese',
  zh: 'Chinese',
};

// Deprecated or macro-language codes that detectors and browsers still emit.
const ALIASES: Readonly<Record<string, string>> = { iw: 'he', in: 'id', nb: 'no', nn: 'no' };

/**
 * Lower-cases a language tag, drops region/script subtags (`pt-BR`, `pt_BR` → `pt`) and maps
 * deprecated codes (`iw` → `he`, `nb` → `no`). Does not check the code is supported; returns `''`
 * for a blank input.
 */
export function baseLanguage(tag: string): string {
  const base = tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return ALIASES[base] ?? base;
}

/**
 * Normalises a user-typed language tag with {@link baseLanguage} and returns it when it is in
 * {@link LANGUAGES}, otherwise `null` (`'xx'`, `'english'`, `'spa'`).
 */
export function normaliseLanguage(tag: string): string | null {
  const code = baseLanguage(tag);
  return Object.hasOwn(LANGUAGES, code) ? code : null;
}

/** English name of a supported code (`'es'` → `'Spanish'`), or the code itself when unknown. */
export function languageName(code: string): string {
  return Object.hasOwn(LANGUAGES, code) ? (LANGUAGES[code] ?? code) : code;
}
