import { protect } from '../../decide/protect.js';
import { needs, type Stage } from './job-context.js';

/**
 * protect: swaps what a translator must not touch (mentions, code, URLs, emoji, markup) for
 * placeholder tokens; the check stage puts the originals back.
 */
export const protectStage: Stage = {
  name: 'protect',
  run(ctx) {
    if (!ctx.targets.length) return;
    ctx.protected = protect(needs(ctx.message, 'message').content, needs(ctx.format, 'format'));
  },
};
