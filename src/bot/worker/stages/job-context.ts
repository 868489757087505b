import type { Job, Queue } from 'bullmq';
import type { ChatRestClient, WireMessage } from '../../../client/chat-rest-client.js';
import type { BoundedMap } from '../../../lib/bounded-map.js';
import type { Logger } from '../../../lib/logger.js';
import type { AnalyzeResult, ContextMessage, ModelProvider, TranslateRequest, TranslateResult } from '../../../providers/types.js';
import type { StatsSink } from '../../bot-stats.js';
import type { CommandGate } from '../../command-gate.js';
import type { Command } from '../../decide/commands.js';
import type { AppliedGlossary } from '../../decide/glossary.js';
import type { CheckName } from '../../decide/translation-checks.js';
import type { Protected } from '../../decide/protect.js';
import type { MessageFormat } from '../../decide/text.js';
import type { MessageJob } from '../../queue/jobs.js';
import type { SentimentStore } from '../../sentiment-store.js';
import type { SettingsStore, ThreadSettings } from '../../settings-store.js';
import type { TranslationCache } from '../../translation-cache.js';
import type { Inspection } from '../../text-work/text-tasks.js';
import type { TextWork } from '../../text-work/text-work.js';
import type { Post } from '../compose.js';
import type { PostAttempt, Poster } from '../poster.js';
import type { Prefetched } from './prefetch.js';

/** What a job did, kept as its return value (the dashboard shows it). */
export interface JobOutcome {
  outcome: string;
  languages?: string[];
  /** Each target language's state, as the post's `parleyStates`. */
  states?: Record<string, string>;
  /** Why each language that is not `ready` is not, in words (for operators; never posted). */
  details?: Record<string, string>;
  modelMs?: number;
  modelCalls?: number;
}

/** What the stages use: the worker's dependencies, with the job's own stats batch. */
export interface StageDeps {
  botId: string;
  client: ChatRestClient;
  settings: SettingsStore;
  provider: ModelProvider;
  cache: TranslationCache;
  poster: Poster;
  /** Keeps a thread's commands ahead of the messages sent after them. */
  commands?: CommandGate;
  sentiment: SentimentStore;
  /** The job's own counters (written once, when it ends). */
  stats: StatsSink;
  queue: Pick<Queue, 'getJobState'>;
  /** Minimum detector confidence to treat the detected language as the source. */
  detectThreshold: number;
  /** Where the CPU-bound text work runs (worker threads in production), within a time budget. */
  text: TextWork;
  /** The target languages each thread needed last, to start the cache lookup early. */
  recentTargets: BoundedMap<string, string[]>;
  /** Counts the job as processed and writes its counters so far (called once its post went out). */
  onPosted: () => Promise<void>;
}

/** The message a job works on, as jobs carry it. */
export type JobMessage = NonNullable<MessageJob['message']>;

/**
 * One job on its way through the stages. The fixed part comes from the queue; each stage fills in
 * what the later ones read (documented on the field with the stage that sets it).
 */
export interface JobContext {
  readonly deps: StageDeps;
  readonly job: Pick<Job, 'attemptsMade' | 'opts'>;
  readonly data: MessageJob;
  readonly attempt: PostAttempt;
  readonly log: Logger;
  /** The original, as the poster keys it. */
  readonly source: { id: string; createdOn: number };

  /** read: the thread's settings (the job ends when the bot does not serve the thread). */
  settings?: ThreadSettings;
  /** read: userId → languages that user reads. */
  readers: Record<string, string[]>;
  /** read: the message as the backend has it now (jobs from older producers carry none). */
  fetched?: WireMessage | null | { failed: unknown };
  /** read: whether an earlier command of the thread is still running. */
  commands: 'none' | 'pending' | 'cleared';
  /** read: a cache lookup started early, for the languages the thread needed last. */
  prefetched?: { format: MessageFormat; lookup: Promise<Prefetched> };
  /** read: the message's text work, started with the reads (the job carries the message). */
  inspecting?: { format: MessageFormat; result: Promise<Inspection> };

  /** classify: the message (from the job or the backend). */
  message?: JobMessage;
  /** classify: its format. */
  format?: MessageFormat;
  /** classify: the parsed command, when the message is one. */
  command?: Command;

  /** decide: the message as plain text (for detection and analysis). */
  plain: string;
  /** decide: the message's text work (plain text, skip reason, language, placeholders). */
  inspection?: Inspection;
  /** decide: the languages to translate into (none: no translation). */
  targets: string[];
  /** decide: the source language, when the detector is sure enough. */
  sourceLanguage?: string;

  /** protect: the text the translator sees, with its placeholders. */
  protected?: Protected;
  /** protect: the thread's glossary entries that occur in the message. */
  glossary?: AppliedGlossary;

  /** context: earlier messages of the thread sent with this one (none: not used). */
  context?: ContextMessage[];

  /** translate: what sets this translation apart besides text and language (glossary, register, context), for the cache. */
  variant: string;
  /** translate: lang → translation the cache had (still with tokens; checked by the check stage). */
  cached?: Record<string, string>;
  /** translate: the request made of the model (the check stage may ask again, changed). */
  request?: TranslateRequest;
  /** translate: languages asked of the model, and its answer. */
  answer?: { languages: string[]; result: TranslateResult };
  /** translate, check: lang → `ready`, `skipped:<reason>` or `failed:<reason>` (the post's `parleyStates`). */
  states: Record<string, string>;
  /** translate, check: lang → the checks its translation passed (the post's `parleyChecked`). */
  checked: Record<string, CheckName[]>;

  /** translate, check: lang → posted translation. */
  translations: Record<string, string>;
  /** translate, check: lang → why it was not translated, in words, for operators (logs, job results; never the thread). */
  untranslated: Record<string, string>;
  /** translate, check: lang → pivot language, for translations made in two passes (en→es→gl). */
  pivots: Record<string, string>;
  /** check: the cache write of new translations, in flight while the post goes out. */
  cacheWrite: Promise<void>;

  /** analyse: the analysis, and whether it is posted. */
  analysis?: AnalyzeResult;
  postAnalysis: boolean;

  /** compose: the bot's post, when there is one. */
  post?: Post;

  /** Model time and calls so far (ms, count). */
  modelMs: number;
  modelCalls: number;
}

/**
 * One step of the job. Returns an outcome to end the job there, or nothing to go on; throws to fail
 * the attempt (the processor classifies the error).
 */
export interface Stage {
  readonly name: string;
  run(ctx: JobContext): Promise<JobOutcome | void> | JobOutcome | void;
}

/** A context as the first stage gets it. */
export function newJobContext(fixed: Pick<JobContext, 'deps' | 'job' | 'data' | 'attempt' | 'log'>): JobContext {
  return {
    ...fixed,
    source: { id: fixed.data.messageId, createdOn: Number(fixed.data.messageId) },
    readers: {},
    commands: 'none',
    plain: '',
    targets: [],
    variant: '',
    states: {},
    checked: {},
    translations: {},
    untranslated: {},
    pivots: {},
    cacheWrite: Promise.resolve(),
    postAnalysis: false,
    modelMs: 0,
    modelCalls: 0,
  };
}

/** A field an earlier stage must have set; a missing one is a bug in the stage order. */
export function needs<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`pipeline order: ${what} is not set yet`);
  return value;
}
