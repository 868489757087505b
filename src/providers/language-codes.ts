/**
 * Language code helpers. The bot speaks ISO 639-1 / BCP 47 (`es`, `pt-BR`); Apertium names its
 * modes with ISO 639-3 (`eng-spa`), older pairs with 639-1 (`en-gl`). Pure: no I/O.
 */

// ISO 639-3 → 639-1 for the languages Debian's Apertium pairs cover (apt-cache search apertium).
// Languages without a 639-1 code (ast, frp, szl) keep their 639-3 code.
const ISO3_TO_ISO1: Readonly<Record<string, string>> = {
  afr: 'af', arg: 'an', bel: 'be', bre: 'br', bul: 'bg', cat: 'ca', dan: 'da', deu: 'de', eng: 'en',
  epo: 'eo', eus: 'eu', fra: 'fr', glg: 'gl', hbs: 'sh', hin: 'hi', ind: 'id', isl: 'is', ita: 'it',
  mkd: 'mk', nld: 'nl', nno: 'nn', nob: 'nb', nor: 'no', oci: 'oc', pol: 'pl', por: 'pt', ron: 'ro',
  rus: 'ru', slv: 'sl', spa: 'es', srd: 'sc', swe: 'sv', ukr: 'uk', urd: 'ur', zlm: 'ms', zho: 'zh',
  jpn: 'ja', kor: 'ko', ara: 'ar', tur: 'tr', fin: 'fi', ell: 'el', ces: 'cs', slk: 'sk', hun: 'hu',
};

/**
 * The base language of a code, lower-cased ISO 639-1 where one exists:
 * `pt-BR` → `pt`, `spa` → `es`, `eng_US` → `en`, `ast` → `ast`.
 */
export function baseLanguage(code: string): string {
  const base = code.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return ISO3_TO_ISO1[base] ?? base;
}

/** The region or variant part of a code, upper-cased: `en-US` → `US`, `spa-eng_US` side `eng_US` → `US`. */
export function languageVariant(code: string): string | undefined {
  const rest = code.trim().split(/[-_]/).slice(1).join('-');
  return rest === '' ? undefined : rest.toUpperCase();
}

let displayNames: Intl.DisplayNames | undefined;

/** English name of a language for prompts (`es` → `Spanish`), or the code itself when unknown. */
export function languageName(code: string): string {
  try {
    displayNames ??= new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });
    return displayNames.of(code) ?? code;
  } catch {
    return code;
  }
}
