import { applyGlossary } from '../../decide/glossary.js';
import { qualityOf } from '../../settings-store.js';
import { needs, type Stage } from './job-context.js';

/**
 * protect: swaps what a translator must not touch (mentions, code, URLs, emoji, markup) for
 * placeholder tokens — the check stage puts the originals back — and finds the thread's glossary
 * terms in what is left (never inside a URL or code).
 */
export const protectStage: Stage = {
  name: 'protect',
  async run(ctx) {
    if (!ctx.targets.length) return;
    // Computed with the rest of the message's text work (see decide).
    ctx.protected = (ctx.inspection ?? (await ctx.deps.text.inspect(needs(ctx.message, 'message').content, needs(ctx.format, 'format')))).protected;
    ctx.glossary = applyGlossary(ctx.protected.text, qualityOf(needs(ctx.settings, 'settings')).glossary, ctx.targets);
  },
};
