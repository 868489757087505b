import type { ModelProvider } from '../../providers/types.js';
import { protect, restore } from '../decide/protect.js';
import type { MessageFormat } from '../decide/text.js';
import type { StatsSink } from '../bot-stats.js';
import type { TranslationCache } from '../translation-cache.js';

/** A model answer that failed the placeholder check; retried by the queue, never posted. */
export class CorruptTranslationError extends Error {
  readonly code = 'TRANSLATION_CORRUPT';
  constructor(readonly problems: Record<string, string>) {
    super(`translation failed the placeholder check: ${Object.entries(problems).map(([l, p]) => `${l}: ${p}`).join('; ')}`);
    this.name = 'CorruptTranslationError';
  }
}

export interface TranslateOutcome {
  translations: Record<string, string>;
  untranslated: Record<string, string>;
  modelMs: number;
  modelCalls: number;
  /**
   * The cache write of the new translations, still in flight: the caller posts meanwhile (the write
   * and the post's first Redis call share one round trip) and awaits it before the job ends.
   */
  cacheWrite: Promise<void>;
}

/**
 * Protects mentions, code, URLs and emoji, serves what the cache has, asks the model ONCE for all
 * the missing languages, restores and verifies every answer, caches the good ones. A broken answer
 * throws {@link CorruptTranslationError} (the good ones are cached, so a retry asks only for the
 * rest) — unless `lastAttempt`, where it is reported as untranslated instead.
 */
export async function translateStep(
  text: string,
  format: MessageFormat,
  targets: string[],
  deps: {
    provider: ModelProvider;
    cache: TranslationCache;
    stats: StatsSink;
    sourceLanguage?: string;
    lastAttempt: boolean;
    signal?: AbortSignal;
    /** A cache lookup already under way for some languages (see {@link prefetchCached}). */
    prefetched?: Promise<Prefetched>;
  },
): Promise<TranslateOutcome> {
  const { provider, cache, stats } = deps;
  const prot = protect(text, format);
  const scope = cacheScope(provider, format);
  const early = deps.prefetched ? await deps.prefetched.catch(() => undefined) : undefined;
  const usable = early && early.protectedText === prot.text ? early : undefined;
  const rest = targets.filter((l) => !usable?.languages.includes(l));
  const cached = { ...pick(usable?.values ?? {}, targets), ...(rest.length ? await cache.getMany(prot.text, rest, scope) : {}) };
  const missing = targets.filter((l) => cached[l] === undefined);
  await stats.incr({ cacheHits: targets.length - missing.length, cacheMisses: missing.length });
  const out: TranslateOutcome = { translations: {}, untranslated: {}, modelMs: 0, modelCalls: 0, cacheWrite: Promise.resolve() };
  for (const [l, t] of Object.entries(cached)) {
    const r = restore(t, prot.placeholders, format);
    if (r.ok) out.translations[l] = r.text;
  }
  if (missing.length === 0) return out;

  const started = performance.now();
  const result = await provider.translate({ text: prot.text, format, targetLanguages: missing, sourceLanguage: deps.sourceLanguage, signal: deps.signal });
  out.modelMs = performance.now() - started;
  out.modelCalls = 1;
  await stats.incr({
    modelCalls: 1,
    modelCharacters: result.usage.characters,
    modelInputTokens: result.usage.inputTokens ?? 0,
    modelOutputTokens: result.usage.outputTokens ?? 0,
  });
  await stats.latency('model', out.modelMs);

  const good: Record<string, string> = {};
  const problems: Record<string, string> = {};
  for (const l of missing) {
    const t = result.translations[l];
    if (t === undefined) {
      if (result.untranslatable?.[l]) out.untranslated[l] = result.untranslatable[l]!;
      else problems[l] = 'missing from the answer';
      continue;
    }
    const r = restore(t, prot.placeholders, format);
    if (r.ok) {
      good[l] = t;
      out.translations[l] = r.text;
    } else problems[l] = r.problem;
  }
  out.cacheWrite = cache.putMany(prot.text, good, scope);
  if (Object.keys(problems).length) {
    // The good ones are cached before the retry, so it asks only for the rest.
    await out.cacheWrite;
    if (!deps.lastAttempt) throw new CorruptTranslationError(problems);
    for (const [l, p] of Object.entries(problems)) out.untranslated[l] = `the translation came back damaged (${p})`;
    await stats.incr({ untranslated: Object.keys(problems).length });
  }
  return out;
}

/** A cache lookup made before the job knew its target languages. */
export interface Prefetched {
  protectedText: string;
  languages: string[];
  values: Record<string, string>;
}

const cacheScope = (provider: ModelProvider, format: MessageFormat) => ({
  provider: provider.name,
  model: provider.model,
  promptVersion: provider.promptVersion,
  format,
});

const pick = (values: Record<string, string>, langs: string[]) => Object.fromEntries(Object.entries(values).filter(([l]) => langs.includes(l)));

/**
 * Starts the cache lookup for `languages` (what the thread needed last time) at once, so it shares
 * a round trip with the job's other first reads instead of waiting for them; `translateStep` then
 * only looks up languages the guess missed.
 */
export function prefetchCached(text: string, format: MessageFormat, languages: string[], deps: { provider: ModelProvider; cache: TranslationCache }): Promise<Prefetched> {
  const protectedText = protect(text, format).text;
  return deps.cache.getMany(protectedText, languages, cacheScope(deps.provider, format)).then((values) => ({ protectedText, languages, values }));
}
