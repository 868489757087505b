import type { Job, Queue } from 'bullmq';

/** A job as the dashboard lists it: ids, what it was about, how it ended. No message text. */
export interface JobRow {
  id: string;
  threadId?: string;
  messageId?: string;
  kind?: string;
  attemptsMade: number;
  /** What the job did (its return value's `outcome`), for completed jobs. */
  outcome?: string;
  failedReason?: string;
  enqueuedAt?: number;
  processedOn?: number;
  finishedOn?: number;
}

function row(job: Job): JobRow {
  const data = (job.data ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    id: String(job.id),
    threadId: str(data.threadId),
    messageId: str(data.messageId),
    kind: str(data.kind),
    attemptsMade: job.attemptsMade,
    outcome: str((job.returnvalue as { outcome?: unknown } | null)?.outcome),
    failedReason: job.failedReason || undefined,
    enqueuedAt: typeof data.enqueuedAt === 'number' ? data.enqueuedAt : undefined,
    processedOn: job.processedOn,
    finishedOn: job.finishedOn,
  };
}

/** The newest `limit` jobs in `state`, newest first. */
export async function jobRows(queue: Queue, state: 'completed' | 'failed', limit = 20): Promise<JobRow[]> {
  const jobs = await queue.getJobs([state], 0, limit - 1, false);
  return jobs.filter((j): j is Job => Boolean(j)).map(row);
}
