import { restore } from '../../decide/protect.js';
import { isLastAttempt, needs, type Stage } from './job-context.js';
import { cacheScope } from './prefetch.js';

/** A model answer that failed the placeholder check; retried by the queue, never posted. */
export class CorruptTranslationError extends Error {
  readonly code = 'TRANSLATION_CORRUPT';
  constructor(readonly problems: Record<string, string>) {
    super(`translation failed the placeholder check: ${Object.entries(problems).map(([l, p]) => `${l}: ${p}`).join('; ')}`);
    this.name = 'CorruptTranslationError';
  }
}

/**
 * check: restores and verifies every new answer and caches the good ones. A broken answer throws
 * {@link CorruptTranslationError} (the good ones are cached first, so a retry asks only for the
 * rest) — unless this is the last attempt, where it is reported as untranslated instead.
 */
export const checkStage: Stage = {
  name: 'check',
  async run(ctx) {
    if (!ctx.answer) return;
    const { deps } = ctx;
    const { languages, result } = ctx.answer;
    const format = needs(ctx.format, 'format');
    const prot = needs(ctx.protected, 'protected text');
    const good: Record<string, string> = {};
    const problems: Record<string, string> = {};
    for (const l of languages) {
      const t = result.translations[l];
      if (t === undefined) {
        if (result.untranslatable?.[l]) ctx.untranslated[l] = result.untranslatable[l]!;
        else problems[l] = 'missing from the answer';
        continue;
      }
      const r = restore(t, prot.placeholders, format);
      if (r.ok) {
        good[l] = t;
        ctx.translations[l] = r.text;
      } else problems[l] = r.problem;
    }
    ctx.cacheWrite = deps.cache.putMany(prot.text, good, cacheScope(deps.provider, format));
    // Settled here too, so an early end of the job never leaves it unobserved.
    ctx.cacheWrite.catch(() => undefined);
    if (!Object.keys(problems).length) return;
    // The good ones are cached before the retry, so it asks only for the rest.
    await ctx.cacheWrite;
    if (!isLastAttempt(ctx)) throw new CorruptTranslationError(problems);
    for (const [l, p] of Object.entries(problems)) ctx.untranslated[l] = `the translation came back damaged (${p})`;
    deps.stats.incr({ untranslated: Object.keys(problems).length });
  },
};
