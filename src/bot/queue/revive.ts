import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../../lib/logger.js';
import type { RedisKeys } from '../redis-keys.js';

/**
 * Failure reasons that say nothing about the job itself: a dependency that was away (before the
 * outage hold existed, or past its deadline), or a worker that died twice while holding the job.
 * Matched on the reason text BullMQ keeps; permanent failures (`UnrecoverableError`: the backend
 * refused the request, the model rejected it) never read like these.
 */
const TRANSIENT =
  /stalled more than allowable limit|unreachable|not running at|hung up without answering|cannot talk to the chat backend|fetch failed|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|socket hang up|did not answer in time|Connection error|\((?:502|503|504)\)|answered (?:502|503|504)/i;

/** Whether a failed job's reason is a transient one (see {@link TRANSIENT}). */
export function isTransientFailure(reason: string | undefined): boolean {
  return reason !== undefined && TRANSIENT.test(reason);
}

export interface ReviveOptions {
  queue: Queue;
  redis: Redis;
  keys: RedisKeys;
  logger: Logger;
  /** Jobs enqueued longer ago than this stay failed (the outage deadline). */
  maxAgeMs: number;
  /** Times one job is brought back automatically. @defaultValue 3 */
  maxRevivals?: number;
  /** Failed jobs looked at per run, newest first. @defaultValue 500 */
  scan?: number;
  /** @defaultValue Date.now */
  clock?: () => number;
}

/**
 * Moves failed jobs whose failure was transient back to the queue with fresh attempts, so an
 * outage that outlasted a job's attempts needs no operator. Each job at most `maxRevivals` times
 * (counted in Redis for 7 days), so a job that keeps failing ends up staying failed. Returns how many.
 */
export async function reviveFailed(o: ReviveOptions): Promise<number> {
  const now = (o.clock ?? Date.now)();
  const jobs = await o.queue.getFailed(0, (o.scan ?? 500) - 1);
  let revived = 0;
  for (const job of jobs) {
    if (!job?.id || !isTransientFailure(job.failedReason) || now - job.timestamp > o.maxAgeMs) continue;
    const key = o.keys.revived(job.id);
    const [[, count]] = (await o.redis.multi().incr(key).expire(key, 7 * 24 * 3600).exec()) as [[null, number]];
    if (count > (o.maxRevivals ?? 3)) continue;
    try {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      revived++;
    } catch (err) {
      // Retried or removed meanwhile (by an operator, another listener): nothing to do.
      o.logger.debug({ jobId: job.id, err: (err as Error).message }, 'could not bring a failed job back');
    }
  }
  if (revived) o.logger.info({ count: revived }, 'brought back jobs that had failed for a transient reason');
  return revived;
}
