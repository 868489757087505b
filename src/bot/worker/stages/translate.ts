import { createHash } from 'node:crypto';
import type { TranslateRequest, TranslateResult } from '../../../providers/types.js';
import { unservable } from '../../../providers/language-support.js';
import { engineHonours } from '../../decide/engine-limits.js';
import { asksFormality, formalityFor, isEmptyApplied } from '../../decide/glossary.js';
import { qualityOf } from '../../settings-store.js';
import { needs, type JobContext, type Stage } from './job-context.js';
import { cacheScope } from './prefetch.js';

/**
 * translate: builds the request (text with placeholders, the glossary terms it contains, the
 * register, the context), serves what the cache has for exactly that request (the early lookup
 * first), skips what the provider cannot serve (its `languageSupport`), and asks the model ONCE for
 * all the missing languages. The answer is left for the check stage; cached translations go through
 * the same checks there.
 */
export const translateStage: Stage = {
  name: 'translate',
  async run(ctx) {
    if (!ctx.targets.length) return;
    const { deps, targets } = ctx;
    const { provider, cache, stats } = deps;
    const format = needs(ctx.format, 'format');
    const prot = needs(ctx.protected, 'protected text');
    const request = buildRequest(ctx);
    ctx.variant = variantOf(request);
    const early = ctx.prefetched?.format === format && ctx.variant === '' ? await ctx.prefetched.lookup.catch(() => undefined) : undefined;
    const usable = early && early.protectedText === prot.text ? early : undefined;
    const rest = targets.filter((l) => !usable?.languages.includes(l));
    const cached = { ...pick(usable?.values ?? {}, targets), ...(rest.length ? await cache.getMany(prot.text, rest, cacheScope(provider, format, ctx.variant)) : {}) };
    ctx.cached = cached;
    // What the provider cannot serve (no pair from the message's language, a language not offered)
    // is skipped here, with its reason, instead of asked for.
    const support = provider.languageSupport?.();
    const source = ctx.sourceLanguage ?? null;
    const missing: string[] = [];
    for (const l of targets) {
      if (cached[l] !== undefined) continue;
      const reason = support ? unservable(support, source, l) : null;
      if (!reason) missing.push(l);
      else {
        ctx.states[l] = `skipped:${reason}`;
        ctx.untranslated[l] = `${support!.engine} cannot translate ${source ?? 'this message'} into ${l}`;
        ctx.checked[l] = [];
      }
    }
    stats.incr({ cacheHits: Object.keys(cached).length, cacheMisses: missing.length });
    ctx.request = request;
    if (missing.length === 0) return;
    ctx.answer = { languages: missing, result: await callModel(ctx, { ...request, targetLanguages: missing }) };
  },
};

/** One model call, timed and counted. */
export async function callModel(ctx: JobContext, request: TranslateRequest): Promise<TranslateResult> {
  const started = performance.now();
  const result = await ctx.deps.provider.translate(request);
  const ms = performance.now() - started;
  ctx.modelMs += ms;
  ctx.modelCalls += 1;
  ctx.deps.stats.incr({
    modelCalls: 1,
    modelCharacters: result.usage.characters,
    modelInputTokens: result.usage.inputTokens ?? 0,
    modelOutputTokens: result.usage.outputTokens ?? 0,
  });
  ctx.deps.stats.latency('model', ms);
  return result;
}

/** The request for every target; only what the engine can use and what applies is set. */
function buildRequest(ctx: JobContext): TranslateRequest {
  const prot = needs(ctx.protected, 'protected text');
  const { formality } = qualityOf(needs(ctx.settings, 'settings'));
  const request: TranslateRequest = { text: prot.text, format: needs(ctx.format, 'format'), targetLanguages: ctx.targets, sourceLanguage: ctx.sourceLanguage };
  if (ctx.glossary && !isEmptyApplied(ctx.glossary)) request.glossary = ctx.glossary;
  if (asksFormality(formality) && engineHonours(ctx.deps.provider.name).formality) {
    request.formality = Object.fromEntries(ctx.targets.map((l) => [l, formalityFor(formality, l)]));
  }
  if (ctx.context?.length) request.context = ctx.context;
  return request;
}

/**
 * What besides the text, the language and the engine changes a translation: the glossary terms
 * used, the register, the context — hashed for the cache key; '' when none applies (the key is
 * then the same as for a thread without settings).
 */
export function variantOf(request: Pick<TranslateRequest, 'glossary' | 'formality' | 'context'>): string {
  const parts = { g: request.glossary, f: request.formality, c: request.context };
  if (!parts.g && !parts.f && !parts.c) return '';
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);
}

const pick = (values: Record<string, string>, langs: string[]) => Object.fromEntries(Object.entries(values).filter(([l]) => langs.includes(l)));
