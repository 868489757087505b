import { applyGlossary } from '../../decide/glossary.js';
import { protect } from '../../decide/protect.js';
import { qualityOf } from '../../settings-store.js';
import { needs, type Stage } from './job-context.js';

/**
 * protect: swaps what a translator must not touch (mentions, code, URLs, emoji, markup) for
 * placeholder tokens — the check stage puts the originals back — and finds the thread's glossary
 * terms in what is left (never inside a URL or code).
 */
export const protectStage: Stage = {
  name: 'protect',
  run(ctx) {
    if (!ctx.targets.length) return;
    ctx.protected = protect(needs(ctx.message, 'message').content, needs(ctx.format, 'format'));
    ctx.glossary = applyGlossary(ctx.protected.text, qualityOf(needs(ctx.settings, 'settings')).glossary, ctx.targets);
  },
};
