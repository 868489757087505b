import { skipReason, targetLanguages } from '../../decide/language-need.js';
import { htmlToText } from '../../decide/text.js';
import { needs, type Stage } from './job-context.js';

/**
 * decide: which languages the message needs — the thread's plus its readers' (not the sender's
 * own), minus the one it is written in when the detector is sure enough. None for an analysis-only
 * thread or a message with nothing to translate (emoji, a link, code).
 */
export const decideStage: Stage = {
  name: 'decide',
  run(ctx) {
    const { deps, data } = ctx;
    const message = needs(ctx.message, 'message');
    const format = needs(ctx.format, 'format');
    const settings = needs(ctx.settings, 'settings');
    ctx.plain = format === 'html' ? htmlToText(message.content) : message.content;
    if (settings.mode === 'analyze' || skipReason(message.content, { format })) return;
    const detected = deps.provider.detectLanguage(ctx.plain);
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
