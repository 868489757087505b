import type { Logger } from './logger.js';

/** What an operator sees of a dependency (logs, `/readyz`, the dashboard's JSON). */
export interface DependencyStatus {
  /** e.g. `chat backend`, `model`. */
  name: string;
  /** Where it is, so errors and pages name it (never a key or token). */
  endpoint: string;
  /** `unknown` until the first call or probe answered or failed. */
  state: 'up' | 'down' | 'unknown';
  /** ISO time the current outage began (`down` only). */
  since: string | null;
  /** The last failure, in words. */
  lastError: string | null;
  /** Calls are being held (the breaker is open) rather than tried. */
  holding: boolean;
}

export interface DependencyOptions {
  name: string;
  endpoint: string;
  logger: Logger;
  /** A cheap call that succeeds when the dependency answers (list models, GET /). */
  probe?: (signal: AbortSignal) => Promise<void>;
  /** Failures in a row, with no success between, that make it `down`. @defaultValue 2 */
  threshold?: number;
  /** First wait between probes while down; doubles up to `maxProbeMs`. @defaultValue 1000 */
  minProbeMs?: number;
  /** @defaultValue 8000 */
  maxProbeMs?: number;
  /** @defaultValue 5000 */
  probeTimeoutMs?: number;
  /** @defaultValue Date.now */
  clock?: () => number;
}

/**
 * A circuit breaker for something parley depends on (the chat backend, the model API). Callers
 * report each call's outcome; after `threshold` failures in a row, or one failure that a probe
 * made at once confirms ({@link away}), it is `down`: it logs that once, holds calls (`available`
 * is false) and probes, with backoff. When a probe answers it lets calls through again
 * (half-open); the first call that succeeds, or a second answering probe with no failed call
 * between, makes it `up` and logs how long it was away. A call failing while half-open holds calls
 * again. A single failure the probe does not confirm (one bad request, one slow answer) leaves it
 * up: that job retries as usual.
 */
export class Dependency {
  private state: DependencyStatus['state'] = 'unknown';
  private since: number | null = null;
  private lastError: string | null = null;
  private failures = 0;
  private open = false;
  private probeMs: number;
  private timer?: NodeJS.Timeout;
  private confirming?: Promise<boolean>;
  private stopped = false;
  private readonly listeners = new Set<(available: boolean) => void>();
  private readonly clock: () => number;

  constructor(private readonly o: DependencyOptions) {
    this.clock = o.clock ?? Date.now;
    this.probeMs = o.minProbeMs ?? 1000;
  }

  get name(): string {
    return this.o.name;
  }

  /** False while calls are held (down, waiting for a probe to answer). */
  get available(): boolean {
    return !this.open;
  }

  get isDown(): boolean {
    return this.state === 'down';
  }

  status(): DependencyStatus {
    return {
      name: this.o.name,
      endpoint: this.o.endpoint,
      state: this.state,
      since: this.since === null ? null : new Date(this.since).toISOString(),
      lastError: this.lastError,
      holding: this.open,
    };
  }

  /** Called when `available` changes (the worker pauses and resumes its queue on it). */
  onAvailability(fn: (available: boolean) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** A call answered. */
  succeeded(): void {
    this.failures = 0;
    this.probeMs = this.o.minProbeMs ?? 1000;
    if (this.state === 'down') {
      const away = ((this.clock() - (this.since ?? this.clock())) / 1000).toFixed(1);
      this.o.logger.info({ dependency: this.o.name, endpoint: this.o.endpoint, awaySeconds: Number(away) }, `${this.o.name} reachable again after ${away} s`);
    }
    this.state = 'up';
    this.since = null;
    this.setOpen(false);
  }

  /** A call failed because the dependency is away (refused, reset, timed out, 5xx). */
  failed(err: unknown): void {
    this.failures++;
    this.lastError = describe(err);
    if (this.state === 'down' || this.failures >= (this.o.threshold ?? 2)) this.goDown();
  }

  /**
   * Whether calls should be held after one failed: it is away already, or — the failure came while
   * it counted as up — a probe made now fails too (concurrent callers share that probe). A failure
   * the probe does not confirm is the call's own (one bad request): the caller retries it as usual.
   */
  async away(): Promise<boolean> {
    if (this.open) return true;
    if (this.state === 'down' || !this.o.probe) return false;
    this.confirming ??= this.o
      .probe(AbortSignal.timeout(this.o.probeTimeoutMs ?? 5000))
      .then(
        () => false,
        (err: unknown) => {
          this.lastError = describe(err);
          this.goDown();
          return true;
        },
      )
      .finally(() => (this.confirming = undefined));
    return this.confirming;
  }

  /** Probes now (start-up); resolves with the outcome, which also sets the state. */
  async check(): Promise<boolean> {
    if (!this.o.probe) return true;
    try {
      await this.o.probe(AbortSignal.timeout(this.o.probeTimeoutMs ?? 5000));
      if (this.state !== 'down') this.state = 'up';
      return true;
    } catch (err) {
      this.lastError = describe(err);
      this.goDown();
      return false;
    }
  }

  /** Stops probing. Idempotent. */
  close(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private goDown(): void {
    if (this.state !== 'down') {
      this.state = 'down';
      this.since = this.clock();
      this.o.logger.warn(
        { dependency: this.o.name, endpoint: this.o.endpoint, err: this.lastError },
        `${this.o.name} unreachable since ${new Date(this.since).toISOString()} (${this.o.endpoint}: ${this.lastError}); holding work until it answers`,
      );
    }
    this.setOpen(true);
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    if (this.timer || this.stopped) return;
    const wait = this.probeMs;
    this.probeMs = Math.min(this.probeMs * 2, this.o.maxProbeMs ?? 8000);
    this.timer = setTimeout(() => void this.probeOnce(), wait);
    this.timer.unref();
  }

  private async probeOnce(): Promise<void> {
    this.timer = undefined;
    if (this.stopped || this.state !== 'down') return;
    try {
      await this.o.probe?.(AbortSignal.timeout(this.o.probeTimeoutMs ?? 5000));
      if (!this.open) {
        // Answered twice with no failed call between (or nothing tried it): it is back.
        this.succeeded();
        return;
      }
      // Answers again: let calls through; the first one that succeeds makes it `up`.
      this.o.logger.debug({ dependency: this.o.name }, 'probe answered; letting work through');
      this.setOpen(false);
    } catch (err) {
      this.lastError = describe(err);
      this.setOpen(true);
    }
    this.scheduleProbe();
  }

  private setOpen(open: boolean): void {
    if (this.open === open) return;
    this.open = open;
    for (const fn of this.listeners) fn(!open);
  }
}

/** A failure in words, with the system error code found along its causes (`ECONNREFUSED`). */
export function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  let code: string | undefined;
  let cause: unknown = err;
  for (let depth = 0; depth < 5 && cause && !code; depth++) {
    const c = (cause as { code?: unknown }).code;
    if (typeof c === 'string' && /^E[A-Z]+$/.test(c)) code = c;
    cause = (cause as { cause?: unknown }).cause;
  }
  return code && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
}
