import type { DefaultJobOptions } from 'bullmq';
import { z } from 'zod';

/** The bot's one queue and its job contract (style rule 7). */
export const QUEUE_NAME = 'messages';

export const JOB = {
  /** A chat message was received, edited or deleted in a thread the bot serves. */
  message: 'message',
  /** The bot was added to a thread: introduce itself there, once per thread ever. */
  greeting: 'greeting',
} as const;

export const messageJobSchema = z.object({
  threadId: z.string().min(1),
  messageId: z.string().regex(/^\d+$/),
  version: z.string().regex(/^\d+$/),
  kind: z.enum(['received', 'edited', 'deleted']),
  /** When the change happened (epoch ms): createdOn, editedOn or deletedOn. */
  changedAt: z.number(),
  /** When the listener enqueued it (epoch ms). */
  enqueuedAt: z.number(),
  /** `backfill`: enqueued by `parley bot backfill`, not seen live (its latency is not the pipeline's). */
  origin: z.enum(['backfill']).optional(),
  /** When an operator last retried the failed job by hand (epoch ms); its age is not the pipeline's latency. */
  retriedAt: z.number().optional(),
  /**
   * The message as the event carried it (received and edited changes), so the worker needs no
   * read from the backend. Jobs without it (older producers) fetch the message.
   */
  message: z
    .object({
      type: z.string(),
      content: z.string(),
      senderId: z.string(),
      senderDisplayName: z.string().optional(),
      metadata: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
});

export type MessageJob = z.infer<typeof messageJobSchema>;

/**
 * Deterministic job id `kind|thread|message|version`: a redelivered event is a no-op. BullMQ refuses
 * `:` in custom ids, and thread ids contain `:` and `@`, so the thread id is percent-encoded.
 */
export function messageJobId(job: Pick<MessageJob, 'kind' | 'threadId' | 'messageId' | 'version'>): string {
  return [job.kind, encodeURIComponent(job.threadId), job.messageId, job.version].join('|');
}

export const greetingJobSchema = z.object({
  threadId: z.string().min(1),
  kind: z.literal('greeting'),
  /** When the bot was added (epoch ms), from the `participantsAdded` event. */
  addedOn: z.number(),
  enqueuedAt: z.number(),
});

export type GreetingJob = z.infer<typeof greetingJobSchema>;

/** `greeting|thread|addedOn`: the same `participantsAdded` event delivered twice makes one job. */
export function greetingJobId(job: Pick<GreetingJob, 'threadId' | 'addedOn'>): string {
  return ['greeting', encodeURIComponent(job.threadId), job.addedOn].join('|');
}

/** Declared once: retries with exponential backoff and jitter; finished jobs trimmed by age and count. */
export function defaultJobOptions(attempts: number): DefaultJobOptions {
  return {
    attempts,
    backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
    // Completed jobs are kept a day so a redelivered event within that window is recognised by id.
    removeOnComplete: { age: 24 * 3600, count: 50_000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  };
}
