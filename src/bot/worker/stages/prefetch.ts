import type { ModelProvider } from '../../../providers/types.js';
import type { Inspection } from '../../text-work/text-tasks.js';
import type { MessageFormat } from '../../decide/text.js';
import type { CacheScope, TranslationCache } from '../../translation-cache.js';

/** A cache lookup made before the job knew its target languages. */
export interface Prefetched {
  protectedText: string;
  languages: string[];
  values: Record<string, string>;
}

/**
 * What a cached translation depends on besides the text and the language; `variant` stands for
 * the glossary terms, register and context used (see `variantOf`).
 */
export function cacheScope(provider: ModelProvider, format: MessageFormat, variant = ''): CacheScope {
  return { provider: provider.name, model: provider.model, promptVersion: provider.promptVersion, format, ...(variant ? { variant } : {}) };
}

/**
 * Starts the cache lookup for `languages` (what the thread needed last time) at once, so it shares
 * a round trip with the job's other first reads instead of waiting for them; the translate stage
 * then only looks up languages the guess missed.
 */
export async function prefetchCached(
  inspection: Promise<Inspection>,
  format: MessageFormat,
  languages: string[],
  deps: { provider: ModelProvider; cache: TranslationCache },
): Promise<Prefetched> {
  const protectedText = (await inspection).protected.text;
  const values = await deps.cache.getMany(protectedText, languages, cacheScope(deps.provider, format));
  return { protectedText, languages, values };
}
