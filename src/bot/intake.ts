import type { Queue } from 'bullmq';
import type { Logger } from '../lib/logger.js';
import { JOB, messageJobId, messageJobSchema, type MessageJob } from './queue/jobs.js';
import type { SettingsStore } from './settings-store.js';

/** One change of a message the listener saw (from a frame or from catch-up). */
export type MessageChange = Omit<MessageJob, 'enqueuedAt'>;

/**
 * Turns message changes into jobs, then moves the thread's cursor — only after the enqueue
 * succeeded, so a failure leaves the change to the next catch-up.
 */
export class Intake {
  constructor(
    private readonly queue: Queue,
    private readonly settings: SettingsStore,
    private readonly logger: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  async enqueue(change: MessageChange): Promise<void> {
    const data = messageJobSchema.parse({ ...change, enqueuedAt: this.clock() });
    await this.queue.add(JOB.message, data, { jobId: messageJobId(data) });
    await this.settings.advanceCursor(change.threadId, change.changedAt);
    this.logger.debug({ threadId: change.threadId, messageId: change.messageId, kind: change.kind }, 'enqueued');
  }
}
