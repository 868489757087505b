import { overBudget } from '../../text-work/text-work.js';
import { needs, type Stage } from './job-context.js';

/**
 * analyse: sentiment and entities of the message, kept for the dashboard; posted in the thread when
 * the thread's analysis policy says so (every message, or only negative ones).
 */
export const analyseStage: Stage = {
  name: 'analyse',
  async run(ctx) {
    const { deps, data } = ctx;
    const settings = needs(ctx.settings, 'settings');
    if (settings.mode === 'translate' || !ctx.plain.trim()) return;
    const started = performance.now();
    let analysis;
    try {
      analysis = await deps.provider.analyze({ text: ctx.plain });
    } catch (err) {
      if (!overBudget(err)) throw err;
      // Abandoned (its thread replaced): the message goes on without an analysis, not retried.
      ctx.log.warn({ budgetMs: err.budgetMs }, 'analysis over its text-work budget; skipped');
      return;
    }
    ctx.modelMs += performance.now() - started;
    ctx.modelCalls += 1;
    deps.stats.incr({ modelCalls: 1, modelCharacters: analysis.usage.characters });
    await deps.sentiment.record({
      threadId: data.threadId,
      messageId: data.messageId,
      senderDisplayName: needs(ctx.message, 'message').senderDisplayName ?? '',
      text: ctx.plain.slice(0, 280),
      sentiment: analysis.sentiment,
      confidence: analysis.confidence,
      entities: analysis.entities,
      language: analysis.language,
      at: Date.now(),
    });
    ctx.analysis = analysis;
    ctx.postAnalysis = settings.analysis === 'all' || (settings.analysis === 'negative' && analysis.sentiment === 'negative');
  },
};
