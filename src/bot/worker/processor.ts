import { DelayedError, RateLimitError, UnrecoverableError, type Job, type Queue } from 'bullmq';
import { ChatApiError, isChatUnavailable } from '../../client/errors.js';
import { BoundedMap } from '../../lib/bounded-map.js';
import type { Logger } from '../../lib/logger.js';
import { isProviderUnavailable, ProviderPermanentError, ProviderRateLimitError } from '../../providers/errors.js';
import type { BotStats } from '../bot-stats.js';
import { CommandGate } from '../command-gate.js';
import { messageJobId, messageJobSchema } from '../queue/jobs.js';
import { PostBusyError } from './poster.js';
import { newJobContext, type JobOutcome, type StageDeps } from './stages/job-context.js';
import { runStages } from './stages/pipeline.js';
import { CommandPendingError } from './stages/wait-for-commands.js';

export type { JobOutcome } from './stages/job-context.js';

/** The stages' dependencies, less what the processor makes per job (the stats batch, the memo, the post hook). */
export interface ProcessorDeps extends Omit<StageDeps, 'stats' | 'queue' | 'recentTargets' | 'onPosted'> {
  stats: BotStats;
  queue: Queue;
  logger: Logger;
}

/**
 * The worker's job handler: runs the job's stages (see `stages/pipeline.ts`) — idempotently — and
 * turns what they throw into BullMQ's terms (retry, delay, rate limit, fail for good).
 */
export function createProcessor(deps: ProcessorDeps) {
  const recentTargets = new BoundedMap<string, string[]>(10_000);
  return async (job: Job, token?: string): Promise<JobOutcome> => {
    const data = messageJobSchema.parse(job.data);
    const log = deps.logger.child({ jobId: job.id, threadId: data.threadId, messageId: data.messageId, attempt: job.attemptsMade + 1 });
    const started = performance.now();
    // The job's counters are written once, when it ends, not one round trip per update.
    const stats = deps.stats.batch();
    // The job's own counters go out with the post's record (one round trip) when it posts.
    let counted = false;
    const onPosted = () => {
      counted = true;
      stats.incr({ processed: 1 });
      stats.latency('processing', performance.now() - started);
      return stats.flush().catch((err: Error) => log.warn({ err: err.message }, 'could not write job stats'));
    };
    // Retried, or started again after a stall: a post may exist that was never recorded. (A job that
    // waited for another's post lock has started more than once too, but that is no rerun.)
    const attempt = { jobId: job.id ?? messageJobId(data), token: token ?? '', rerun: job.attemptsMade > 0 || (job.stalledCounter ?? 0) > 0 };
    // A command's job, once it ends for good, lets the thread's later messages go.
    const command = deps.commands && CommandGate.isCommand(data) ? deps.commands : undefined;
    let ended = true;
    try {
      const ctx = newJobContext({ deps: { ...deps, stats, recentTargets, onPosted }, job, data, attempt, log });
      const result = await runStages(ctx);
      if (!counted) {
        stats.incr({ processed: 1, ...(result.outcome.startsWith('skipped') ? { skipped: 1 } : {}) });
        stats.latency('processing', performance.now() - started);
      }
      log.debug({ outcome: result.outcome }, 'job done');
      return result;
    } catch (err) {
      if (err instanceof PostBusyError || err instanceof CommandPendingError) {
        // Another version of this message is being posted, or an earlier command in the thread is
        // not done yet: come back shortly, without spending an attempt.
        ended = false;
        log.debug({ reason: err.message }, 'job delayed');
        // Backing off (0.1 s doubling to 5 s, with jitter): a long wait does not rerun the job's
        // work (an analysis, say) several times a second.
        const wait = Math.min(5000, 100 * 2 ** Math.max(0, (job.attemptsStarted ?? 1) - job.attemptsMade - 1));
        await job.moveToDelayed(Date.now() + wait / 2 + Math.floor(Math.random() * wait), token);
        throw new DelayedError();
      }
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      // A dependency that is away may hold the job (OutageHold) without spending this attempt.
      const away = isChatUnavailable(err) || isProviderUnavailable(err);
      ended = (lastAttempt && !away) || err instanceof ProviderPermanentError || (err instanceof ChatApiError && !err.transient && err.status !== 401);
      if (err instanceof ProviderRateLimitError) {
        // The provider said wait: pause the whole queue for that long without spending an attempt.
        ended = false;
        stats.incr({ rateLimited: 1 });
        await deps.queue.rateLimit(err.retryAfterMs);
        throw new RateLimitError();
      }
      if (err instanceof ProviderPermanentError) throw new UnrecoverableError(err.message);
      if (err instanceof ChatApiError && !err.transient && err.status !== 401) {
        throw new UnrecoverableError(`chat backend answered ${err.status} ${err.code}: ${err.message}`);
      }
      throw err;
    } finally {
      // Counters are telemetry: failing to write them must not fail (and repeat) a job that posted.
      await Promise.all([
        stats.flush().catch((err: Error) => log.warn({ err: err.message }, 'could not write job stats')),
        ended && command?.done(data.threadId, attempt.jobId).catch((err: Error) => log.warn({ err: err.message }, 'could not clear the command note')),
      ]);
    }
  };
}
