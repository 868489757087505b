import { restore } from '../../decide/protect.js';
import { needs, type Stage } from './job-context.js';
import { cacheScope } from './prefetch.js';

/**
 * translate: serves what the cache has (the early lookup first) and asks the model ONCE for all
 * the missing languages. The answer is left for the check stage.
 */
export const translateStage: Stage = {
  name: 'translate',
  async run(ctx) {
    if (!ctx.targets.length) return;
    const { deps, targets } = ctx;
    const { provider, cache, stats } = deps;
    const format = needs(ctx.format, 'format');
    const prot = needs(ctx.protected, 'protected text');
    const early = ctx.prefetched?.format === format ? await ctx.prefetched.lookup.catch(() => undefined) : undefined;
    const usable = early && early.protectedText === prot.text ? early : undefined;
    const rest = targets.filter((l) => !usable?.languages.includes(l));
    const cached = { ...pick(usable?.values ?? {}, targets), ...(rest.length ? await cache.getMany(prot.text, rest, cacheScope(provider, format)) : {}) };
    const missing = targets.filter((l) => cached[l] === undefined);
    stats.incr({ cacheHits: targets.length - missing.length, cacheMisses: missing.length });
    for (const [l, t] of Object.entries(cached)) {
      const r = restore(t, prot.placeholders, format);
      if (r.ok) ctx.translations[l] = r.text;
    }
    if (missing.length === 0) return;

    const started = performance.now();
    const result = await provider.translate({ text: prot.text, format, targetLanguages: missing, sourceLanguage: ctx.sourceLanguage });
    const ms = performance.now() - started;
    ctx.modelMs += ms;
    ctx.modelCalls += 1;
    stats.incr({
      modelCalls: 1,
      modelCharacters: result.usage.characters,
      modelInputTokens: result.usage.inputTokens ?? 0,
      modelOutputTokens: result.usage.outputTokens ?? 0,
    });
    stats.latency('model', ms);
    ctx.answer = { languages: missing, result };
  },
};

const pick = (values: Record<string, string>, langs: string[]) => Object.fromEntries(Object.entries(values).filter(([l]) => langs.includes(l)));
