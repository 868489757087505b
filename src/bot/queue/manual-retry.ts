import type { Job, Queue } from 'bullmq';
import { JOB } from './jobs.js';

/**
 * Retries a failed job on an operator's behalf, marking message jobs with `retriedAt` first so the
 * end-to-end latency leaves them out (they waited for the operator, not for the pipeline).
 */
export async function retryByHand(job: Job, now = Date.now()): Promise<void> {
  if (job.name === JOB.message) await job.updateData({ ...(job.data as object), retriedAt: now });
  await job.retry('failed');
}

/** Retries every failed job (at most `max`), as {@link retryByHand}; returns how many. */
export async function retryAllFailed(queue: Queue, max = 10_000, now = Date.now()): Promise<number> {
  const seen = new Set<string>();
  let retried = 0;
  while (seen.size < max) {
    // Each retried job leaves the failed set, so the first page holds the next ones.
    const jobs = (await queue.getJobs(['failed'], 0, 99, true)).filter((j): j is Job => Boolean(j) && !seen.has(String(j!.id)));
    if (!jobs.length) break;
    for (const job of jobs) {
      seen.add(String(job.id));
      // A job removed or retried by someone else meanwhile is not counted.
      if (await retryByHand(job, now).then(() => true, () => false)) retried++;
    }
  }
  return retried;
}
