import type { Redis } from 'ioredis';
import { isCommandText } from './decide/commands.js';
import { messageFormat } from './decide/message-filter.js';
import { htmlToText } from './decide/text.js';
import type { MessageJob } from './queue/jobs.js';
import type { RedisKeys } from './redis-keys.js';

/** A thread's notes vanish this long after the last one was made (notes are taken away as jobs end). */
const NOTES_TTL_MS = 24 * 3600_000;

/**
 * Keeps a thread's `/parley …` commands ahead of the messages sent after them, although workers run
 * jobs concurrently: the intake notes each command's job (a sorted set per thread, scored by message
 * id, which is the send time) before enqueueing it, a message job whose change came later waits while
 * such a command's job is still to run, and the command's job takes its note away when it ends. So
 * "/parley off" followed at once by a message never translates that message. A note whose job has
 * ended or is gone (a redelivered event re-notes a finished command) is dropped when met.
 */
export class CommandGate {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** Whether a job is a command's (received, carrying text that parses as `/parley …`). */
  static isCommand(job: Pick<MessageJob, 'kind' | 'message'>): boolean {
    if (job.kind !== 'received' || !job.message) return false;
    const format = messageFormat(job.message.type);
    if (!format) return false;
    return isCommandText(format === 'html' ? htmlToText(job.message.content) : job.message.content);
  }

  /** Notes a command's job before it is enqueued. */
  async note(job: Pick<MessageJob, 'threadId' | 'messageId'>, jobId: string): Promise<void> {
    const key = this.keys.commands(job.threadId);
    await this.redis.multi().zadd(key, Number(job.messageId), jobId).pexpire(key, NOTES_TTL_MS).exec();
  }

  /** The command's job ended (done, skipped or failed for good). */
  async done(threadId: string, jobId: string): Promise<void> {
    await this.redis.zrem(this.keys.commands(threadId), jobId);
  }

  /**
   * Whether a command sent before `at` (a message id or change time) is still to run: `pending`;
   * `cleared` when notes were met but all of their jobs had ended (a command may have changed the
   * settings since the caller read them); `none`. `running` tells whether a noted job is still queued
   * or active; notes of ended or vanished jobs are dropped.
   */
  async pendingBefore(threadId: string, at: number, running: (jobId: string) => Promise<boolean>): Promise<'none' | 'pending' | 'cleared'> {
    const key = this.keys.commands(threadId);
    const jobIds = await this.redis.zrangebyscore(key, '-inf', `(${at}`);
    for (const jobId of jobIds) {
      if (await running(jobId)) return 'pending';
      await this.redis.zrem(key, jobId);
    }
    return jobIds.length ? 'cleared' : 'none';
  }
}
