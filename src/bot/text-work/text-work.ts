import { WorkerBudgetError, WorkerPool } from '../../lib/worker-pool.js';
import { analyseInProcess, type LocalAnalysis, type LocalAnalysisResult } from '../../providers/local-analysis.js';
import type { SentimentScore } from '../../providers/local-sentiment.js';
import type { LanguageGuess } from '../../providers/types.js';
import type { RestoreResult } from '../decide/protect.js';
import type { MessageFormat } from '../decide/text.js';
import { inspect, restoreAll, type Inspection, type TextTask } from './text-tasks.js';

/**
 * Where the bot's CPU-bound text work runs: inspecting a message (plain text, skip reason,
 * language, placeholders), restoring translations, and the offline analysers. `npm start`,
 * `parley bot` and `parley worker` use {@link TextWorkPool}, so a heavy or pathological message
 * never holds up the event loop that serves the chat API; {@link InlineTextWork} runs in-process.
 */
export interface TextWork extends LocalAnalysis {
  inspect(text: string, format: MessageFormat): Promise<Inspection>;
  /** Language → restored translation (or what is wrong with it). */
  restore(translations: Record<string, string>, placeholders: string[], format: MessageFormat): Promise<Record<string, RestoreResult>>;
  close(): Promise<void>;
}

/** True when text work was abandoned for running past its budget. */
export function overBudget(err: unknown): err is WorkerBudgetError {
  return err instanceof WorkerBudgetError;
}

/** Text work in-process (no budget), with the provider's own language detector. */
export class InlineTextWork implements TextWork {
  constructor(private readonly detect: (plain: string) => LanguageGuess) {}

  async inspect(text: string, format: MessageFormat): Promise<Inspection> {
    return inspect(text, format, this.detect);
  }

  async restore(translations: Record<string, string>, placeholders: string[], format: MessageFormat): Promise<Record<string, RestoreResult>> {
    return restoreAll(translations, placeholders, format);
  }

  analyse(text: string): Promise<LocalAnalysisResult> {
    return analyseInProcess.analyse(text);
  }

  sentiment(text: string): Promise<SentimentScore> {
    return analyseInProcess.sentiment(text);
  }

  async close(): Promise<void> {}
}

/** Options of a {@link TextWorkPool}. */
export interface TextWorkPoolOptions {
  /** Worker threads. @defaultValue 2 */
  threads?: number;
  /** Longest one message's text work may take, in ms; past it the work is abandoned. @defaultValue 2000 */
  budgetMs?: number;
}

/**
 * Text work on worker threads, each task within a time budget (see {@link WorkerPool}); a task past
 * it rejects with an error for which {@link overBudget} is true. Detects languages with parley's
 * own detector (`providers/language-detector.ts`), the one both shipped providers use.
 */
export class TextWorkPool implements TextWork {
  private readonly pool: WorkerPool;

  constructor({ threads = 2, budgetMs = 2000 }: TextWorkPoolOptions = {}) {
    this.pool = new WorkerPool({ filename: new URL('./text-worker-entry.mjs', import.meta.url), size: threads, budgetMs });
  }

  inspect(text: string, format: MessageFormat): Promise<Inspection> {
    return this.run({ kind: 'inspect', text, format });
  }

  restore(translations: Record<string, string>, placeholders: string[], format: MessageFormat): Promise<Record<string, RestoreResult>> {
    return this.run({ kind: 'restore', translations, placeholders, format });
  }

  analyse(text: string): Promise<LocalAnalysisResult> {
    return this.run({ kind: 'analyse', text });
  }

  sentiment(text: string): Promise<SentimentScore> {
    return this.run({ kind: 'sentiment', text });
  }

  /** Starts every thread now (loading takes a while), so the first messages do not wait for it. */
  warm(): void {
    this.pool.warm();
  }

  /** Threads running now. */
  get threads(): number {
    return this.pool.threads;
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private run<T>(task: TextTask): Promise<T> {
    return this.pool.run<T>(task);
  }
}
