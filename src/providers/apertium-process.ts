/**
 * One warm Apertium pipeline per translation direction.
 *
 * A mode (`eng-spa`) is a shell pipeline of ~10 processes (lt-proc, tagger, transfer stages,
 * generator) that load their dictionaries on start: ~0.5 s per start. In null-flush mode (`-z`)
 * every stage stays alive and flushes its output at each `\0`, so one pipeline serves every
 * message: write the stream plus `\0`, read up to the next `\0`.
 *
 * Three things found by testing (apertium 3.8.3, lttoolbox 3.7.1, Debian 12) shape this:
 * - The `apertium` script cannot be used warm: its `gawk` wrapper splits records with a regex RS
 *   and holds each answer back until more input arrives, and with `-f none` it reads
 *   `cat /dev/stdin`, which fails on the socket Node gives a child as stdin. So the pipeline is
 *   taken from `apertium-wblank-mode -z <mode file>` (what the script itself runs) and started
 *   with `bash -c`, `$1 = -n` (no `*` marks on unknown words, as `apertium -u`), `$2` empty.
 * - `lt-proc -b` (bilingual lookup) in null-flush mode only flushes on a `\0` that follows a blank,
 *   so every message is sent with an empty superblank `[]` before its `\0`.
 * - Apertium's deformatters drop `\0`, so text is converted by apertium-stream.ts instead.
 *
 * Requests are served one at a time in arrival order (a queue), so each `\0` in the output belongs
 * to the request in flight. A request that takes longer than `timeoutMs` kills the pipeline (its
 * state is unknown) and fails with a transient error; the next request starts a new one. A crash
 * fails the request in flight the same way and the pipeline is restarted on the next request.
 */
import { execFileSync, spawn as nodeSpawn } from 'node:child_process';
import { join } from 'node:path';
import { DEFAULT_APERTIUM_DIR } from './apertium-modes.js';
import type { ChildProcess } from 'node:child_process';
import { PROVIDER_ERROR_CODES as C, ProviderPermanentError, ProviderTransientError } from './errors.js';

export interface ApertiumProcessOptions {
  /** Mode name, e.g. `eng-spa`. */
  mode: string;
  /** Apertium data directory holding `modes/`. @defaultValue `/usr/share/apertium` */
  dataDir?: string;
  /** Longest time one message may take, in ms. @defaultValue 15000 */
  timeoutMs?: number;
  /** Extra time allowed for the first message after a (re)start, while dictionaries load. @defaultValue 30000 */
  startTimeoutMs?: number;
  /** Process spawner (tests). @defaultValue node:child_process spawn */
  spawn?: typeof nodeSpawn;
}

interface Job {
  input: string;
  resolve(output: string): void;
  reject(error: Error): void;
  /** The caller gave up (abort): the answer is read and thrown away to keep the stream aligned. */
  abandoned: boolean;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export class ApertiumProcess {
  private child: ChildProcess | undefined;
  private current: Job | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly queue: Job[] = [];
  private buffered: Buffer[] = [];
  private stderrTail = '';
  private closing: Promise<void> | undefined;
  private startCount = 0;
  private pipeline: string | undefined;

  constructor(private readonly options: ApertiumProcessOptions) {}

  /** PID of the running pipeline (its `bash`, leader of the process group), if one is running. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** How many pipelines were started so far (1 while warm; more after crashes or timeouts). */
  get starts(): number {
    return this.startCount;
  }

  /** Translates one stream-format message (see apertium-stream.ts). */
  translate(input: string, signal?: AbortSignal): Promise<string> {
    if (this.closing) return Promise.reject(closedError());
    if (signal?.aborted) return Promise.reject(abortedError());
    return new Promise<string>((resolve, reject) => {
      const job: Job = { input: input.replace(/\0/g, ''), resolve, reject, abandoned: false, signal, onAbort: () => this.abort(job) };
      signal?.addEventListener('abort', job.onAbort, { once: true });
      this.queue.push(job);
      this.pump();
    });
  }

  /** Stops the pipeline; queued requests fail with PROVIDER_CLOSED. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    for (const job of this.queue.splice(0)) this.settle(job, closedError());
    if (this.current) this.settle(this.current, closedError());
    this.current = undefined;
    clearTimeout(this.timer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    child.stdin?.end(); // EOF lets every stage finish and exit on its own
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 2_000).unref());
    if ((await Promise.race([exited, timeout])) === 'timeout') this.kill(child);
    await exited;
  }

  private pump(): void {
    if (this.current || this.closing) return;
    const job = this.queue.shift();
    if (!job) return;
    let child: ChildProcess;
    const fresh = this.child === undefined;
    try {
      child = this.child ?? this.start();
    } catch (error) {
      this.settle(job, error instanceof Error ? error : new Error(String(error)));
      this.pump();
      return;
    }
    this.current = job;
    const limit = (this.options.timeoutMs ?? 15_000) + (fresh ? (this.options.startTimeoutMs ?? 30_000) : 0);
    this.timer = setTimeout(() => this.onTimeout(child, limit), limit);
    child.stdin?.write(`${job.input}[]\0`);
  }

  private start(): ChildProcess {
    const { dataDir = DEFAULT_APERTIUM_DIR, mode, spawn = nodeSpawn } = this.options;
    try {
      this.pipeline ??= execFileSync('apertium-wblank-mode', ['-z', join(dataDir, 'modes', `${mode}.mode`)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      throw new ProviderPermanentError(C.engineFailed, `Apertium mode ${mode} cannot be started: ${(error as Error).message.split('\n')[0]}`);
    }
    // Own process group (detached), so a timeout can kill every stage, not just bash.
    const child = spawn('bash', ['-c', this.pipeline, `apertium-${mode}`, '-n', ''], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    this.child = child;
    this.startCount++;
    this.buffered = [];
    this.stderrTail = '';
    child.stdout?.on('data', (chunk: Buffer) => this.child === child && this.onData(chunk));
    child.stderr?.on('data', (chunk: Buffer) => {
      if (this.child === child) this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-2_000);
    });
    child.stdin?.on('error', () => {}); // EPIPE after a crash; the 'close' handler reports it
    child.on('error', (error) => this.child === child && this.onExit(child, `could not start bash: ${error.message}`));
    // 'close', not 'exit': bash may exit before the last stage has flushed its output.
    child.on('close', (code, signal) => this.child === child && this.onExit(child, `exited (${signal ?? `code ${code}`})`));
    return child;
  }

  private onData(chunk: Buffer): void {
    let rest = chunk;
    for (let at = rest.indexOf(0); at >= 0; at = rest.indexOf(0)) {
      this.buffered.push(rest.subarray(0, at));
      rest = rest.subarray(at + 1);
      const output = Buffer.concat(this.buffered).toString('utf8');
      this.buffered = [];
      const job = this.current;
      if (!job) continue; // trailing flushes of an exiting pipeline
      clearTimeout(this.timer);
      this.current = undefined;
      if (output.trim() === '' && job.input.trim() !== '') {
        // What a dying pipeline flushes at end of input: never a translation of real text.
        this.settle(job, new ProviderTransientError(C.engineFailed, `Apertium ${this.options.mode} returned nothing.`));
      } else {
        this.settle(job, undefined, output);
      }
    }
    if (rest.length > 0) this.buffered.push(rest);
    this.pump();
  }

  private onTimeout(child: ChildProcess, ms: number): void {
    const job = this.current;
    this.current = undefined;
    this.child = undefined;
    this.kill(child);
    if (job) {
      this.settle(job, new ProviderTransientError(C.timeout, `Apertium ${this.options.mode} took longer than ${ms} ms; restarted it.`));
    }
    this.pump();
  }

  private onExit(child: ChildProcess, what: string): void {
    this.child = undefined;
    clearTimeout(this.timer);
    this.kill(child);
    const job = this.current;
    this.current = undefined;
    const detail = this.stderrTail.trim() ? `: ${this.stderrTail.trim().split('\n').slice(-3).join(' | ')}` : '';
    if (job) this.settle(job, new ProviderTransientError(C.engineFailed, `Apertium ${this.options.mode} ${what}${detail}`));
    if (!this.closing) this.pump();
  }

  private abort(job: Job): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) this.queue.splice(queued, 1);
    else job.abandoned = true;
    this.settle(job, abortedError());
  }

  private settle(job: Job, error: Error | undefined, output = ''): void {
    job.signal?.removeEventListener('abort', job.onAbort);
    if (error) job.reject(error);
    else if (!job.abandoned) job.resolve(output);
    job.abandoned = true; // settle once
  }

  /** Kills the pipeline's whole process group: stages can outlive the script that started them. */
  private kill(child: ChildProcess): void {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is already gone
    }
  }
}

function closedError(): ProviderPermanentError {
  return new ProviderPermanentError(C.closed, 'The Apertium engine is closed.');
}

function abortedError(): ProviderTransientError {
  return new ProviderTransientError(C.aborted, 'The translation was aborted by the caller.');
}
