import { composePost } from '../compose.js';
import { needs, type JobContext, type Stage } from './job-context.js';

/**
 * compose: the bot's post for the message — its translations (what could not be translated is
 * stated in metadata, never as diagnostics in the thread), the analysis when posted. Languages not
 * translated are counted and logged for operators here. When no language could be translated the
 * post is state-only (see `composePost`), so clients learn the message is settled. Nothing to post
 * at all (no target language, no analysis to post): an edit takes the old post away, and the job ends.
 */
export const composeStage: Stage = {
  name: 'compose',
  async run(ctx) {
    const { deps, data, translations, untranslated } = ctx;
    reportNotReady(ctx);
    const hasTranslation = Object.keys(translations).length + Object.keys(untranslated).length > 0;
    if (!hasTranslation && !ctx.postAnalysis) {
      if (data.kind === 'edited') await deps.poster.remove(data.threadId, ctx.source, { ...ctx.attempt, forever: false, version: data.version });
      await ctx.cacheWrite;
      return { outcome: ctx.targets.length || ctx.analysis ? 'analysed, not posted' : 'skipped: nothing to translate', modelMs: ctx.modelMs, modelCalls: ctx.modelCalls };
    }
    ctx.post = composePost({
      sourceId: data.messageId,
      sourceVersion: data.version,
      sourceLanguage: ctx.sourceLanguage,
      format: needs(ctx.format, 'format'),
      translations,
      untranslated,
      states: ctx.states,
      checked: ctx.checked,
      pivots: ctx.pivots,
      analysis: ctx.postAnalysis ? ctx.analysis : undefined,
    });
  },
};

/** Counters and a log line for the languages that were not translated (operators' view of them). */
function reportNotReady(ctx: JobContext): void {
  const notReady = Object.entries(ctx.states).filter(([, st]) => st !== 'ready');
  if (!notReady.length) return;
  const failed = notReady.filter(([, st]) => st.startsWith('failed:')).length;
  ctx.deps.stats.incr({ untranslated: notReady.length, languagesFailed: failed, languagesSkipped: notReady.length - failed });
  ctx.log.warn({ states: ctx.states, reasons: ctx.untranslated }, 'languages not translated');
}
