/**
 * Languages checked against what the provider can do, wherever they are set (CLI, admin API,
 * dashboard, `/parley languages`, `/parley me`). The policy, the same everywhere: a language no
 * source can be translated into is refused — nothing is saved, and the answer names what is
 * available and how to get more; a language reached only from some sources, or only through a
 * pivot language, is accepted with a note saying so. Pure.
 */
import { canServe, routesInto, servedTargets, type LanguageSupport } from '../../providers/language-support.js';
import { languageName } from './languages.js';

/** The outcome of {@link checkLanguages}. */
export interface LanguageCheck {
  /** Languages no source can be translated into; non-empty means "refuse". */
  refused: string[];
  /** The refusal, as one sentence naming what is available and the fix; `''` when nothing is refused. */
  error: string;
  /** One line per accepted language with a limit worth knowing (some sources only, pivoted). */
  notes: string[];
}

/** Checks `languages` (normalised codes) against `support`. */
export function checkLanguages(languages: readonly string[], support: LanguageSupport): LanguageCheck {
  const refused = languages.filter((l) => !canServe(support, l));
  const notes = languages.filter((l) => !refused.includes(l)).flatMap((l) => {
    const line = routeNote(support, l);
    return line ? [`${l} (${languageName(l)}): ${line}`] : [];
  });
  if (refused.length === 0 || support.kind === 'any') return { refused: [], error: '', notes };
  const named = refused.map((l) => `${l} (${languageName(l)})`).join(', ');
  const error = `${capitalise(support.engine)} cannot translate into ${named}. Available: ${availableLanguages(support)}. To add a language, ${support.fix}.`;
  return { refused, error, notes };
}

/** What the provider translates into, for messages: `en (from es; from gl, pt via es), es (from en, gl, pt), …`. */
export function availableLanguages(support: LanguageSupport): string {
  const targets = servedTargets(support);
  if (targets === null) return 'any language';
  if (targets.length === 0) return 'none (no translation engine is installed)';
  return targets.map((l) => (support.kind === 'routes' ? `${l} (${routeNote(support, l)})` : l)).join(', ');
}

/**
 * A language for replies and listings: `es (Spanish)`, or with its sources when the engine is
 * limited: `gl (Galician; from es; from en, pt via es)`, `de (German; not available)`.
 */
export function describeLanguage(support: LanguageSupport | undefined, language: string): string {
  const name = languageName(language);
  if (!support || support.kind === 'any') return `${language} (${name})`;
  if (!canServe(support, language)) return `${language} (${name}; not available with ${support.engine})`;
  const note = routeNote(support, language);
  return note ? `${language} (${name}; ${note})` : `${language} (${name})`;
}

/** `from es; from en, pt via es` for an engine with fixed routes, `''` otherwise. */
function routeNote(support: LanguageSupport, target: string): string {
  const routes = routesInto(support, target);
  if (routes.length === 0) return '';
  const direct = routes.filter((r) => !r.via).map((r) => r.source);
  const byPivot = new Map<string, string[]>();
  for (const r of routes) if (r.via) byPivot.set(r.via, [...(byPivot.get(r.via) ?? []), r.source]);
  const parts = direct.length ? [`from ${direct.join(', ')}`] : [];
  for (const [via, sources] of byPivot) parts.push(`from ${sources.join(', ')} pivoted via ${via}`);
  return parts.join('; ');
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
