import { Worker } from 'node:worker_threads';

/** Options of a {@link WorkerPool}. */
export interface WorkerPoolOptions {
  /**
   * The worker's module: it posts `{ ready: true }` once loaded, then answers `{ id, task }`
   * messages with `{ id, ok, value | error }`.
   */
  filename: URL;
  /** Threads at most (started on demand). @defaultValue 2 */
  size?: number;
  /** Longest a task may run on its thread, in ms; past it the thread is terminated. @defaultValue 2000 */
  budgetMs?: number;
  /** Tasks waiting for a thread at most; past it `run` rejects at once. @defaultValue 10000 */
  maxQueue?: number;
}

/** A task ran past its budget: its thread was terminated (and is replaced on demand). */
export class WorkerBudgetError extends Error {
  readonly code = 'WORKER_BUDGET_EXCEEDED';
  constructor(readonly budgetMs: number) {
    super(`the task ran past its ${budgetMs} ms budget and was abandoned`);
    this.name = 'WorkerBudgetError';
  }
}

/** The pool cannot take the task (closed, or its queue is full). */
export class WorkerPoolUnavailableError extends Error {
  readonly code = 'WORKER_POOL_UNAVAILABLE';
  constructor(reason: string) {
    super(reason);
    this.name = 'WorkerPoolUnavailableError';
  }
}

interface Pending {
  task: unknown;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Loaded: a thread's start-up (module loading) does not count against a task's budget. */
  ready: boolean;
  current?: Pending & { id: number; timer: NodeJS.Timeout };
}

/**
 * A small pool of worker threads for CPU-bound work that must not hold up the event loop. Each task
 * gets a time budget counted from when it starts on a thread (not while it waits for one): a task
 * past it is rejected with {@link WorkerBudgetError} and its thread terminated — the only way to stop
 * synchronous work — and replaced on demand. Idle threads do not keep the process alive.
 *
 * Hand-written rather than piscina: piscina's cancellation is an AbortSignal whose timer would also
 * run while the task waits in the queue, so a burst of ordinary messages behind one pathological
 * message would be abandoned too; a budget per running task needs the dispatch in our hands.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private closing?: Promise<void>;
  private readonly size: number;
  private readonly budgetMs: number;
  private readonly maxQueue: number;

  constructor(private readonly options: WorkerPoolOptions) {
    this.size = Math.max(1, options.size ?? 2);
    this.budgetMs = options.budgetMs ?? 2000;
    this.maxQueue = options.maxQueue ?? 10_000;
  }

  /** Runs `task` on a thread; resolves with its answer, rejects with its error or {@link WorkerBudgetError}. */
  run<T>(task: unknown): Promise<T> {
    if (this.closing) return Promise.reject(new WorkerPoolUnavailableError('the worker pool is closed'));
    if (this.queue.length >= this.maxQueue) return Promise.reject(new WorkerPoolUnavailableError('the worker pool queue is full'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ task, resolve: resolve as (value: unknown) => void, reject });
      this.dispatch();
    });
  }

  /** Starts every thread now; they load in the background and do not keep the process alive. */
  warm(): void {
    while (!this.closing && this.slots.length < this.size) this.spawn().worker.unref();
  }

  /** Threads running now (for tests and diagnostics). */
  get threads(): number {
    return this.slots.length;
  }

  /** Terminates every thread; queued and running tasks are rejected. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const p of this.queue.splice(0)) p.reject(new WorkerPoolUnavailableError('the worker pool is closed'));
      await Promise.allSettled(this.slots.splice(0).map((slot) => this.stop(slot, new WorkerPoolUnavailableError('the worker pool is closed'))));
    })();
    return this.closing;
  }

  private dispatch(): void {
    while (this.queue.length) {
      const slot = this.slots.find((s) => s.ready && !s.current);
      if (!slot) {
        const starting = this.slots.filter((s) => !s.ready);
        if (this.slots.length < this.size && starting.length === 0) this.spawn();
        // A task waits for a thread that is starting: that thread must keep the process alive.
        for (const s of starting) s.worker.ref();
        return;
      }
      const pending = this.queue.shift()!;
      const id = ++this.nextId;
      const timer = setTimeout(() => this.abandon(slot), this.budgetMs);
      slot.current = { ...pending, id, timer };
      slot.worker.ref();
      slot.worker.postMessage({ id, task: pending.task });
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.options.filename);
    const slot: Slot = { worker, ready: false };
    worker.on('message', (m: { ready?: boolean; id: number; ok: boolean; value?: unknown; error?: string }) => {
      if (m.ready) {
        slot.ready = true;
        this.dispatch();
        if (!slot.current) worker.unref();
        return;
      }
      const current = slot.current;
      if (!current || current.id !== m.id) return;
      clearTimeout(current.timer);
      slot.current = undefined;
      worker.unref();
      if (m.ok) current.resolve(m.value);
      else current.reject(new Error(m.error ?? 'worker task failed'));
      this.dispatch();
    });
    // A thread that dies (an uncaught error, out of memory) fails its task and is replaced on demand.
    const died = (err: Error) => {
      if (!this.slots.includes(slot)) return;
      this.remove(slot);
      if (slot.current) {
        clearTimeout(slot.current.timer);
        slot.current.reject(err);
        slot.current = undefined;
      }
      this.dispatch();
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`worker thread exited (code ${code})`)));
    // Referenced while it starts (a task is waiting for it) and while it runs one; idle, it is not.
    this.slots.push(slot);
    return slot;
  }

  private abandon(slot: Slot): void {
    this.remove(slot);
    void this.stop(slot, new WorkerBudgetError(this.budgetMs));
    this.dispatch();
  }

  private remove(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
  }

  private async stop(slot: Slot, err: Error): Promise<void> {
    const current = slot.current;
    slot.current = undefined;
    if (current) {
      clearTimeout(current.timer);
      current.reject(err);
    }
    await slot.worker.terminate();
  }
}
