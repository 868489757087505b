import { targetLanguages } from '../../decide/language-need.js';
import { overBudget } from '../../text-work/text-work.js';
import { needs, type Stage } from './job-context.js';

/**
 * decide: which languages the message needs — the thread's plus its readers' (not the sender's
 * own), minus the one it is written in when the detector is sure enough. None for an analysis-only
 * thread or a message with nothing to translate (emoji, a link, code).
 */
export const decideStage: Stage = {
  name: 'decide',
  async run(ctx) {
    const { deps, data } = ctx;
    const message = needs(ctx.message, 'message');
    const format = needs(ctx.format, 'format');
    const settings = needs(ctx.settings, 'settings');
    try {
      ctx.inspection = await (ctx.inspecting?.format === format ? ctx.inspecting.result : deps.text.inspect(message.content, format));
    } catch (err) {
      if (!overBudget(err)) throw err;
      // A message whose text work runs past its budget is abandoned (its thread replaced), not retried.
      ctx.log.warn({ budgetMs: err.budgetMs }, 'text work over budget; message skipped');
      return { outcome: `skipped: text work over its ${err.budgetMs} ms budget` };
    }
    ctx.plain = ctx.inspection.plain;
    if (settings.mode === 'analyze' || ctx.inspection.skip) return;
    const detected = ctx.inspection.detected;
    const readers = { ...ctx.readers };
    delete readers[message.senderId];
    ctx.targets = targetLanguages({
      threadLanguages: settings.languages,
      readerLanguages: Object.values(readers),
      detected,
      threshold: deps.detectThreshold,
    });
    if (!ctx.targets.length) return;
    ctx.sourceLanguage = detected.confidence >= deps.detectThreshold ? (detected.language ?? undefined) : undefined;
    deps.recentTargets.set(data.threadId, ctx.targets);
  },
};
