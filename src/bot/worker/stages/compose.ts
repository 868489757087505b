import { composePost } from '../compose.js';
import { needs, type Stage } from './job-context.js';

/**
 * compose: the bot's post for the message — its translations, the languages it could not
 * translate and why, the analysis when posted. Nothing to post: an edit takes the old post away,
 * and the job ends here.
 */
export const composeStage: Stage = {
  name: 'compose',
  async run(ctx) {
    const { deps, data, translations, untranslated } = ctx;
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
      analysis: ctx.postAnalysis ? ctx.analysis : undefined,
    });
  },
};
