/**
 * Which languages a provider can translate into, from which sources. The offline engine knows
 * exactly (its installed Apertium modes, plus one-hop pivots through a language both sides share);
 * a model API serves any language, or the list an operator configured. Settings are checked against
 * this wherever they are made, and the worker skips (never fakes) what it cannot serve. Pure.
 */
import type { ApertiumMode } from './apertium-modes.js';
import { baseLanguage } from './language-codes.js';

/** One way to reach `target` from `source`: directly, or through `via` (two engine passes). */
export interface LanguageRoute {
  source: string;
  target: string;
  /** The pivot language, when there is no direct pair. */
  via?: string;
}

/** What a provider can translate; `engine` names it in messages (`the offline engine (Apertium)`). */
export type LanguageSupport =
  /** A model that translates between any languages. */
  | { kind: 'any'; engine: string }
  /** A model limited to these target languages (from any source): `PARLEY_MODEL_LANGUAGES`. */
  | { kind: 'list'; engine: string; targets: readonly string[]; fix: string }
  /** An engine with fixed directions (Apertium), direct and pivoted. */
  | { kind: 'routes'; engine: string; routes: readonly LanguageRoute[]; fix: string };

/** Why a language was not translated, as the post's metadata states it (`skipped:<reason>`). */
export type SkipReason = 'no-engine-pair' | 'language-not-offered' | 'source-undetected';

/**
 * Every route the installed modes give: each direct pair, and each `a → p → b` where `a → p` and
 * `p → b` are installed and `a → b` is not (one pivot only: each pass loses quality).
 */
export function routesFromModes(modes: readonly ApertiumMode[]): LanguageRoute[] {
  const direct = new Set(modes.map((m) => `${m.source}>${m.target}`));
  const routes: LanguageRoute[] = [...direct].map((pair) => {
    const [source, target] = pair.split('>') as [string, string];
    return { source, target };
  });
  const pivoted = new Set<string>();
  for (const first of routes) {
    for (const second of routes) {
      const key = `${first.source}>${second.target}`;
      if (second.via || first.via || first.target !== second.source || first.source === second.target) continue;
      if (direct.has(key) || pivoted.has(key)) continue;
      pivoted.add(key);
      routes.push({ source: first.source, target: second.target, via: first.target });
    }
  }
  return routes.filter((r) => r.via === undefined).concat(routes.filter((r) => r.via !== undefined));
}

/** The support of the offline engine whose modes are installed. */
export function apertiumSupport(modes: readonly ApertiumMode[]): LanguageSupport {
  return {
    kind: 'routes',
    engine: 'the offline engine (Apertium)',
    routes: routesFromModes(modes),
    fix: 'install an Apertium pair (`apt-cache search apertium`), or point parley at a model API (OPENAI_BASE_URL, see the README)',
  };
}

/** The support of a model API: any language, or only `targets` when the operator listed them. */
export function modelSupport(model: string, targets?: readonly string[]): LanguageSupport {
  const engine = `the model ${model}`;
  if (!targets?.length) return { kind: 'any', engine };
  return { kind: 'list', engine, targets: [...new Set(targets.map(baseLanguage))], fix: 'add it to PARLEY_MODEL_LANGUAGES' };
}

/** How `target` is reached from `source`, or `null` when it is not. `source === target` is trivially served. */
export function findRoute(support: LanguageSupport, source: string, target: string): LanguageRoute | null {
  const from = baseLanguage(source);
  const to = baseLanguage(target);
  if (from === to) return { source: from, target: to };
  if (support.kind === 'any') return { source: from, target: to };
  if (support.kind === 'list') return support.targets.includes(to) ? { source: from, target: to } : null;
  return support.routes.find((r) => r.source === from && r.target === to && !r.via) ?? support.routes.find((r) => r.source === from && r.target === to) ?? null;
}

/**
 * Why `target` cannot be served for a message in `source` (`null` = unknown source), or `null`
 * when it can — or may: with an unknown source only a target no source reaches is ruled out.
 */
export function unservable(support: LanguageSupport, source: string | null, target: string): SkipReason | null {
  if (support.kind === 'any') return null;
  if (support.kind === 'list') return findRoute(support, source ?? target, target) ? null : 'language-not-offered';
  if (source !== null) return findRoute(support, source, target) ? null : 'no-engine-pair';
  return routesInto(support, target).length ? null : 'no-engine-pair';
}

/** The routes into `target` (direct first). Empty for `any`/`list` supports, which need none. */
export function routesInto(support: LanguageSupport, target: string): LanguageRoute[] {
  if (support.kind !== 'routes') return [];
  const to = baseLanguage(target);
  return support.routes.filter((r) => r.target === to);
}

/** Whether some source can be translated into `target` at all. */
export function canServe(support: LanguageSupport, target: string): boolean {
  if (support.kind === 'any') return true;
  if (support.kind === 'list') return support.targets.includes(baseLanguage(target));
  return routesInto(support, target).length > 0;
}

/** Every target language some source reaches, sorted (`null` for a model that serves any). */
export function servedTargets(support: LanguageSupport): string[] | null {
  if (support.kind === 'any') return null;
  if (support.kind === 'list') return [...support.targets].sort();
  return [...new Set(support.routes.map((r) => r.target))].sort();
}
