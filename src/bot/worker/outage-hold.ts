import { RateLimitError, type Job, type Queue } from 'bullmq';
import { isChatUnavailable } from '../../client/errors.js';
import type { Dependency } from '../../lib/dependency.js';
import type { Logger } from '../../lib/logger.js';
import { isProviderUnavailable } from '../../providers/errors.js';

export interface OutageHoldOptions {
  queue: Queue;
  /** The chat backend. */
  chat: Dependency;
  /** The model API, when it is a remote one. */
  model?: Dependency;
  logger: Logger;
  /**
   * A job enqueued longer ago than this is no longer held: its failures count as attempts again,
   * so an outage that never ends still ends in the failed set. @defaultValue 24 hours
   */
  deadlineMs?: number;
  /** Each hold of the queue lasts this long and is renewed while a dependency is away. @defaultValue 2000 */
  holdMs?: number;
  /** @defaultValue Date.now */
  clock?: () => number;
}

type Processor<R> = (job: Job, token?: string, signal?: AbortSignal) => Promise<R>;

/**
 * Holds the queue while the chat backend or the model API is away, so jobs wait instead of
 * spending their attempts one by one. While a {@link Dependency} holds calls, the queue is rate
 * limited (BullMQ's limiter key, shared by every worker of the queue on every machine) and renewed
 * every `holdMs / 2`; a job that fails because of the outage goes back to the head of the waiting
 * list without an attempt counted (`RateLimitError`). When the dependency's probe answers, the
 * limit is lifted and workers pick jobs up again within `holdMs`.
 */
export class OutageHold {
  private timer?: NodeJS.Timeout;
  private readonly deps: Dependency[];
  private readonly holdMs: number;
  private readonly off: Array<() => void>;

  constructor(private readonly o: OutageHoldOptions) {
    this.deps = [o.chat, ...(o.model ? [o.model] : [])];
    this.holdMs = o.holdMs ?? 2000;
    this.off = this.deps.map((d) => d.onAvailability(() => this.update()));
    this.update();
  }

  /** The processor, held while a dependency is away. */
  wrap<R>(processor: Processor<R>): Processor<R> {
    return async (job, token, signal) => {
      if (this.deps.some((d) => !d.available) && this.holds(job)) return this.hold(job, 'a dependency is away');
      try {
        return await processor(job, token, signal);
      } catch (err) {
        const dep = isChatUnavailable(err) ? this.o.chat : isProviderUnavailable(err) ? this.o.model : undefined;
        // Held when the dependency is away (confirmed by a probe if it counted as up): a failure
        // of this job's own, with the dependency answering, is an ordinary failed attempt.
        if (dep && this.holds(job) && (await dep.away())) return this.hold(job, (err as Error).message);
        throw err;
      }
    };
  }

  /** Stops renewing the hold. Idempotent. */
  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const off of this.off) off();
  }

  private holds(job: Job): boolean {
    return (this.o.clock ?? Date.now)() - job.timestamp < (this.o.deadlineMs ?? 24 * 3600_000);
  }

  private async hold(job: Job, reason: string): Promise<never> {
    this.o.logger.debug({ jobId: job.id, reason }, 'job held until the dependency answers');
    await this.renew();
    throw new RateLimitError();
  }

  private update(): void {
    const away = this.deps.some((d) => !d.available);
    if (away && !this.timer) {
      void this.renew();
      this.timer = setInterval(() => void this.renew(), this.holdMs / 2);
      this.timer.unref();
    } else if (!away && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
      void this.o.queue.removeRateLimitKey().catch((err: Error) => this.o.logger.warn({ err: err.message }, 'could not lift the queue hold'));
    }
  }

  private renew(): Promise<void> {
    return this.o.queue.rateLimit(this.holdMs).catch((err: Error) => this.o.logger.warn({ err: err.message }, 'could not hold the queue'));
  }
}
