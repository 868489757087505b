import type { MessageJob } from '../../queue/jobs.js';
import { needs, type Stage } from './job-context.js';

/** A change enqueued within this long of happening counts as live for the end-to-end latency. */
const LIVE_ENQUEUE_MS = 60_000;

/** Whether a job's end-to-end latency is the pipeline's: seen live, not backfilled, not retried by hand. */
export const isLive = (data: Pick<MessageJob, 'origin' | 'retriedAt' | 'enqueuedAt' | 'changedAt'>): boolean =>
  data.origin === undefined && data.retriedAt === undefined && data.enqueuedAt - data.changedAt < LIVE_ENQUEUE_MS;

/**
 * post: creates or updates the bot's post for the original (idempotently: a rerun finds the post it
 * made). The job's counters go out with the post's record, in one round trip.
 */
export const postStage: Stage = {
  name: 'post',
  async run(ctx) {
    const { deps, data, log } = ctx;
    const post = needs(ctx.post, 'post');
    let written: Promise<void> | undefined;
    const how = await deps.poster.upsert(data.threadId, ctx.source, post, ctx.attempt, () => {
      deps.stats.incr({ posted: 1 });
      // Only live messages count: backfill and catch-up enqueue old messages, and a job an operator
      // retried by hand waited for the operator; neither age is the pipeline's latency.
      if (isLive(data)) deps.stats.latency('e2e', Date.now() - data.changedAt);
      written = deps.onPosted();
    });
    await written;
    // Sent, then taken back (the original was deleted meanwhile): not a post after all.
    if (written && how === 'unchanged') deps.stats.incr({ posted: -1 });
    await ctx.cacheWrite;
    const languages = Object.keys(ctx.translations);
    log.info({ how, languages, states: ctx.states }, 'bot post');
    const notReady = Object.keys(ctx.untranslated).length ? { details: ctx.untranslated } : {};
    return { outcome: how, languages, modelMs: ctx.modelMs, modelCalls: ctx.modelCalls, ...(Object.keys(ctx.states).length ? { states: ctx.states } : {}), ...notReady };
  },
};
