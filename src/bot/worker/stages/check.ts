import { findRoute } from '../../../providers/language-support.js';
import type { TranslateResult } from '../../../providers/types.js';
import { restore } from '../../decide/protect.js';
import { htmlToText } from '../../decide/text.js';
import { checkTranslation, type CheckName } from '../../decide/translation-checks.js';
import { needs, type JobContext, type Stage } from './job-context.js';
import { cacheScope } from './prefetch.js';
import { callModel } from './translate.js';

/** One language's verdict: its restored text, or why it failed, with the checks that ran. */
type Verdict = { text: string; checked: CheckName[] } | { problem: string; checked: CheckName[] };

/**
 * check: restores every translation (cached or new) and runs the deterministic checks on it
 * (placeholders, kept and required terms, language, copy, chatter, length). Languages that fail
 * are asked again ONCE, with the problems in the request (never the identical request); what still
 * fails is stated `failed:<reason>` in the post's metadata (never in its text). Good new translations are cached. Each
 * language ends with a state (`ready`, `skipped:…`, `failed:…`) and the checks it passed.
 */
export const checkStage: Stage = {
  name: 'check',
  async run(ctx) {
    if (!ctx.request) return;
    const { deps } = ctx;
    const format = needs(ctx.format, 'format');
    const prot = needs(ctx.protected, 'protected text');
    const sourceLanguage = ctx.sourceLanguage ?? ctx.answer?.result.detectedLanguage ?? deps.provider.detectLanguage(ctx.plain).language;
    const judge = (lang: string, translated: string): Verdict => verdict(ctx, lang, translated, sourceLanguage);

    const problems: Record<string, string> = {};
    const good: Record<string, string> = {};
    for (const [lang, translated] of Object.entries(ctx.cached ?? {})) {
      const v = judge(lang, translated);
      // A cached pivot translation keeps its label: the route is the same for the same source.
      if ('text' in v) accept(ctx, lang, v, viaFor(ctx, sourceLanguage, lang));
      else problems[lang] = v.problem;
    }
    if (ctx.answer) sortAnswer(ctx, ctx.answer.languages, ctx.answer.result, judge, good, problems);

    const retry = Object.keys(problems);
    if (retry.length) {
      // The good ones are cached first: if the second call fails, the job's retry asks only for the rest.
      await deps.cache.putMany(prot.text, good, cacheScope(deps.provider, format, ctx.variant));
      // Asked again once, told what was wrong: never the identical request.
      const again = await callModel(ctx, { ...ctx.request, targetLanguages: retry, previousProblems: { ...problems } });
      for (const l of retry) delete problems[l];
      sortAnswer(ctx, retry, again, judge, good, problems);
    }
    ctx.cacheWrite = deps.cache.putMany(prot.text, good, cacheScope(deps.provider, format, ctx.variant));
    // Settled here too, so an early end of the job never leaves it unobserved.
    ctx.cacheWrite.catch(() => undefined);
    for (const [l, p] of Object.entries(problems)) {
      ctx.untranslated[l] = p;
      ctx.states[l] = `failed:${p}`;
    }
  },
};

/** Files each asked language of an answer under translations (and `good`, to cache), skipped, or problems. */
function sortAnswer(
  ctx: JobContext,
  languages: readonly string[],
  result: TranslateResult,
  judge: (lang: string, translated: string) => Verdict,
  good: Record<string, string>,
  problems: Record<string, string>,
): void {
  for (const l of languages) {
    const t = result.translations[l];
    if (t === undefined) {
      const reason = result.untranslatable?.[l];
      if (reason) {
        // The engine says it cannot (an unsupported pair): nothing failed, nothing to retry.
        ctx.untranslated[l] = reason.detail;
        ctx.states[l] = `skipped:${reason.reason}`;
        ctx.checked[l] = [];
      } else problems[l] = 'missing from the answer';
      continue;
    }
    const v = judge(l, t);
    if ('text' in v) {
      good[l] = t;
      accept(ctx, l, v, result.pivots?.[l]);
    } else problems[l] = v.problem;
  }
}

function accept(ctx: JobContext, lang: string, v: { text: string; checked: CheckName[] }, via: string | undefined): void {
  ctx.translations[lang] = v.text;
  ctx.states[lang] = 'ready';
  ctx.checked[lang] = v.checked;
  if (via) ctx.pivots[lang] = via;
}

/** The pivot a translation from `source` into `lang` goes through, if the provider pivots it. */
function viaFor(ctx: JobContext, source: string | null | undefined, lang: string): string | undefined {
  const support = ctx.deps.provider.languageSupport?.();
  return support && source ? findRoute(support, source, lang)?.via : undefined;
}

function verdict(ctx: JobContext, lang: string, translated: string, sourceLanguage: string | null | undefined): Verdict {
  const format = needs(ctx.format, 'format');
  const restored = restore(translated, needs(ctx.protected, 'protected text').placeholders, format);
  if (!restored.ok) return { problem: `the translation came back damaged (${restored.problem})`, checked: [] };
  const result = checkTranslation({
    source: ctx.plain,
    output: format === 'html' ? htmlToText(restored.text) : restored.text,
    target: lang,
    sourceLanguage,
    glossary: ctx.glossary ?? { keep: [], terms: {} },
    detect: (text) => ctx.deps.provider.detectLanguage(text),
    threshold: ctx.deps.detectThreshold,
  });
  return result.failed ? { problem: result.failed.reason, checked: result.checked } : { text: restored.text, checked: result.checked };
}
