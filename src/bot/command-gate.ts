import type { Redis } from 'ioredis';
import { isCommandText } from './decide/commands.js';
import { messageFormat } from './decide/message-filter.js';
import { htmlToText } from './decide/text.js';
import type { MessageJob } from './queue/jobs.js';
import type { RedisKeys } from './redis-keys.js';

/**
 * A command waits no longer than this: a command job that never finishes (removed by hand, say)
 * holds up the messages after it for at most this long after it was sent.
 */
const HOLD_MS = 120_000;

/**
 * Keeps a thread's `/parley …` commands ahead of the messages sent after them, although workers run
 * jobs concurrently: the intake notes each command (a sorted set per thread, scored by message id,
 * which is the send time) before enqueueing it, a message job whose change came later waits while
 * such a command is still pending, and the command's job takes its note away when it ends. So
 * "/parley off" followed at once by a message never translates that message.
 */
export class CommandGate {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a job is a command's (received, carrying text that parses as `/parley …`). */
  static isCommand(job: Pick<MessageJob, 'kind' | 'message'>): boolean {
    if (job.kind !== 'received' || !job.message) return false;
    const format = messageFormat(job.message.type);
    if (!format) return false;
    return isCommandText(format === 'html' ? htmlToText(job.message.content) : job.message.content);
  }

  /** Notes a command before its job is enqueued. */
  async note(threadId: string, messageId: string): Promise<void> {
    const key = this.keys.commands(threadId);
    await this.redis.multi().zadd(key, Number(messageId), messageId).pexpire(key, HOLD_MS * 2).exec();
  }

  /** The command's job ended (done, skipped or failed for good). */
  async done(threadId: string, messageId: string): Promise<void> {
    await this.redis.zrem(this.keys.commands(threadId), messageId);
  }

  /** Whether a command sent before `at` (a message id or change time) is still pending. */
  async pendingBefore(threadId: string, at: number): Promise<boolean> {
    const ids = await this.redis.zrangebyscore(this.keys.commands(threadId), this.now() - HOLD_MS, `(${at}`, 'LIMIT', 0, 1);
    return ids.length > 0;
  }
}
