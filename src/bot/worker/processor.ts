import { DelayedError, RateLimitError, UnrecoverableError, type Job, type Queue } from 'bullmq';
import type { ChatRestClient, WireMessage } from '../../client/chat-rest-client.js';
import { ChatApiError } from '../../client/errors.js';
import { BoundedMap } from '../../lib/bounded-map.js';
import type { Logger } from '../../lib/logger.js';
import { ProviderPermanentError, ProviderRateLimitError } from '../../providers/errors.js';
import type { AnalyzeResult, ModelProvider } from '../../providers/types.js';
import type { BotStats, StatsSink } from '../bot-stats.js';
import { CommandGate } from '../command-gate.js';
import { parseCommand } from '../decide/commands.js';
import { skipReason, targetLanguages } from '../decide/language-need.js';
import { classifyIncoming, messageFormat } from '../decide/message-filter.js';
import { htmlToText } from '../decide/text.js';
import { messageJobId, messageJobSchema, type MessageJob } from '../queue/jobs.js';
import type { SentimentStore } from '../sentiment-store.js';
import type { SettingsStore } from '../settings-store.js';
import type { TranslationCache } from '../translation-cache.js';
import { composePost, composeReply } from './compose.js';
import { PostBusyError, type PostAttempt, type Poster } from './poster.js';
import { runCommand } from './run-command.js';
import { prefetchCached, translateStep, type Prefetched } from './translate-step.js';

export interface ProcessorDeps {
  botId: string;
  client: ChatRestClient;
  settings: SettingsStore;
  provider: ModelProvider;
  cache: TranslationCache;
  poster: Poster;
  /** Keeps a thread's commands ahead of the messages sent after them. */
  commands?: CommandGate;
  sentiment: SentimentStore;
  stats: BotStats;
  queue: Queue;
  logger: Logger;
  /** Minimum detector confidence to treat the detected language as the source. */
  detectThreshold: number;
}

/** A change enqueued within this long of happening counts as live for the end-to-end latency. */
const LIVE_ENQUEUE_MS = 60_000;

/** A command sent before this message in its thread is not done yet. */
class CommandPendingError extends Error {
  constructor() {
    super('an earlier command in the thread is still pending');
  }
}

/** What a job did, kept as its return value (the dashboard shows it). */
export interface JobOutcome {
  outcome: string;
  languages?: string[];
  modelMs?: number;
  modelCalls?: number;
}

/** The worker's job handler: decide, translate and/or analyse, post back — idempotently. */
export function createProcessor(deps: ProcessorDeps) {
  const recentTargets = new BoundedMap<string, string[]>(10_000);
  return async (job: Job, token?: string): Promise<JobOutcome> => {
    const data = messageJobSchema.parse(job.data);
    const log = deps.logger.child({ jobId: job.id, threadId: data.threadId, messageId: data.messageId, attempt: job.attemptsMade + 1 });
    const started = performance.now();
    // The job's counters are written once, when it ends, not one round trip per update.
    const stats = deps.stats.batch();
    // The job's own counters go out with the post's record (one round trip) when it posts.
    let counted = false;
    const onPosted = () => {
      counted = true;
      stats.incr({ processed: 1 });
      stats.latency('processing', performance.now() - started);
      return stats.flush().catch((err: Error) => log.warn({ err: err.message }, 'could not write job stats'));
    };
    // Retried, or started again after a stall: a post may exist that was never recorded. (A job that
    // waited for another's post lock has started more than once too, but that is no rerun.)
    const attempt = { jobId: job.id ?? messageJobId(data), token: token ?? '', rerun: job.attemptsMade > 0 || (job.stalledCounter ?? 0) > 0 };
    // A command's job, once it ends for good, lets the thread's later messages go.
    const command = deps.commands && CommandGate.isCommand(data) ? deps.commands : undefined;
    let ended = true;
    try {
      const result = await handle({ ...deps, stats, recentTargets, onPosted }, job, data, attempt, log);
      if (!counted) {
        stats.incr({ processed: 1, ...(result.outcome.startsWith('skipped') ? { skipped: 1 } : {}) });
        stats.latency('processing', performance.now() - started);
      }
      log.debug({ outcome: result.outcome }, 'job done');
      return result;
    } catch (err) {
      if (err instanceof PostBusyError || err instanceof CommandPendingError) {
        // Another version of this message is being posted, or an earlier command in the thread is
        // not done yet: come back shortly, without spending an attempt.
        ended = false;
        log.debug({ reason: err.message }, 'job delayed');
        // Backing off (0.1 s doubling to 5 s, with jitter): a long wait does not rerun the job's
        // work (an analysis, say) several times a second.
        const wait = Math.min(5000, 100 * 2 ** Math.max(0, (job.attemptsStarted ?? 1) - job.attemptsMade - 1));
        await job.moveToDelayed(Date.now() + wait / 2 + Math.floor(Math.random() * wait), token);
        throw new DelayedError();
      }
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      ended = lastAttempt || err instanceof ProviderPermanentError || (err instanceof ChatApiError && !err.transient && err.status !== 401);
      if (err instanceof ProviderRateLimitError) {
        // The provider said wait: pause the whole queue for that long without spending an attempt.
        ended = false;
        stats.incr({ rateLimited: 1 });
        await deps.queue.rateLimit(err.retryAfterMs);
        throw new RateLimitError();
      }
      if (err instanceof ProviderPermanentError) throw new UnrecoverableError(err.message);
      if (err instanceof ChatApiError && !err.transient && err.status !== 401) {
        throw new UnrecoverableError(`chat backend answered ${err.status} ${err.code}: ${err.message}`);
      }
      throw err;
    } finally {
      // Counters are telemetry: failing to write them must not fail (and repeat) a job that posted.
      await Promise.all([
        stats.flush().catch((err: Error) => log.warn({ err: err.message }, 'could not write job stats')),
        ended && command?.done(data.threadId, attempt.jobId).catch((err: Error) => log.warn({ err: err.message }, 'could not clear the command note')),
      ]);
    }
  };
}

/** What `handle` gets: the job's own stats batch in place of the shared counters, and the guesses. */
type JobDeps = Omit<ProcessorDeps, 'stats'> & {
  stats: StatsSink;
  /** The target languages each thread needed last, to start the cache lookup early. */
  recentTargets: BoundedMap<string, string[]>;
  /** Counts the job as processed and writes its counters so far (called once its post went out). */
  onPosted: () => Promise<void>;
};

async function handle(deps: JobDeps, job: Job, data: MessageJob, attempt: PostAttempt, log: Logger): Promise<JobOutcome> {
  const live = data.kind !== 'deleted';
  // Started with the reads below (one round trip): the cache lookup for what the thread needed last.
  const guess = data.message && live ? deps.recentTargets.get(data.threadId) : undefined;
  const guessFormat = data.message ? messageFormat(data.message.type) : null;
  let prefetched: Promise<Prefetched> | undefined;
  if (guess?.length && guessFormat && data.message) {
    prefetched = prefetchCached(data.message.content, guessFormat, guess, deps);
    prefetched.catch(() => undefined); // used, or not, by translateStep; never left unobserved
  }
  // Independent reads, fetched together: settings, the message as it is now, who reads what.
  let [settings, fetched, allReaders, commands] = await Promise.all([
    deps.settings.get(data.threadId),
    // The job carries the message; a job from an older producer reads it from the backend. A failed
    // fetch counts only if the bot still serves the thread (checked first, below).
    live && !data.message ? currentMessage(deps.client, data).catch((err: unknown) => ({ failed: err })) : null,
    live ? deps.settings.readers(data.threadId) : ({} as Record<string, string[]>),
    // Only a message (not a command, not a delete) waits for earlier commands.
    live && deps.commands && !CommandGate.isCommand(data)
      ? deps.commands.pendingBefore(data.threadId, data.kind === 'received' ? Number(data.messageId) : data.changedAt, async (id) => {
          const state = await deps.queue.getJobState(id);
          return state !== 'completed' && state !== 'failed' && state !== 'unknown';
        })
      : ('none' as const),
  ]);
  if (!settings) return { outcome: 'skipped: bot not in thread' };
  const source = { id: data.messageId, createdOn: Number(data.messageId) };

  if (data.kind === 'deleted') {
    const removed = await deps.poster.remove(data.threadId, source, { ...attempt, forever: true });
    return { outcome: removed ? 'deleted bot post' : 'skipped: no bot post to delete' };
  }

  if (fetched && 'failed' in fetched) throw fetched.failed;
  const message = data.message ?? (fetched ? fromWire(fetched) : null);
  if (!message) return { outcome: 'skipped: message gone' };
  if (fetched && fetched.version !== data.version) return { outcome: 'skipped: superseded by a newer version' };

  const senderId = message.senderId;
  const text = message.content;
  const decision = classifyIncoming({ type: message.type, senderId, content: text, metadata: message.metadata }, deps.botId);
  if (!decision.handle) {
    if (decision.reason !== 'command' || data.kind !== 'received') return { outcome: `skipped: ${decision.reason}` };
    const cmd = parseCommand(text, message.type === 'html' ? 'html' : 'text');
    if (!cmd) return { outcome: 'skipped: not a command' };
    // Applied only while no answer was posted: a command seen again (backfill, a rerun) is not re-applied.
    const answered = await deps.poster.reply(data.threadId, source, attempt, async () =>
      composeReply(await runCommand(cmd, data.threadId, senderId, deps.settings), data.messageId),
    );
    return { outcome: answered ? `command: ${cmd.kind}` : 'skipped: command already answered' };
  }
  if (commands === 'pending') throw new CommandPendingError();
  if (commands === 'cleared') {
    // A command ended while the settings were being read: read them again, as it left them.
    [settings, allReaders] = await Promise.all([deps.settings.get(data.threadId), deps.settings.readers(data.threadId)]);
    if (!settings) return { outcome: 'skipped: bot not in thread' };
  }
  if (!settings.enabled) return { outcome: 'skipped: bot is off in this thread' };

  const format = decision.format;
  const plain = format === 'html' ? htmlToText(text) : text;
  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  let translations: Record<string, string> = {};
  let untranslated: Record<string, string> = {};
  let modelMs = 0;
  let modelCalls = 0;
  let targets: string[] = [];
  let sourceLanguage: string | undefined;
  let cacheWrite: Promise<void> = Promise.resolve();

  if (settings.mode !== 'analyze' && !skipReason(text, { format })) {
    const detected = deps.provider.detectLanguage(plain);
    const readers = { ...allReaders };
    delete readers[senderId];
    targets = targetLanguages({
      threadLanguages: settings.languages,
      readerLanguages: Object.values(readers),
      detected,
      threshold: deps.detectThreshold,
    });
    if (targets.length) {
      sourceLanguage = detected.confidence >= deps.detectThreshold ? (detected.language ?? undefined) : undefined;
      deps.recentTargets.set(data.threadId, targets);
      const r = await translateStep(text, format, targets, { ...deps, sourceLanguage, lastAttempt, prefetched: format === guessFormat ? prefetched : undefined });
      ({ translations, untranslated, modelMs, modelCalls, cacheWrite } = r);
      // Settled here too, so an early return below never leaves it unobserved.
      cacheWrite.catch(() => undefined);
    }
  }

  let analysis: AnalyzeResult | undefined;
  let postAnalysis = false;
  if (settings.mode !== 'translate' && plain.trim()) {
    const t0 = performance.now();
    analysis = await deps.provider.analyze({ text: plain });
    modelMs += performance.now() - t0;
    modelCalls += 1;
    deps.stats.incr({ modelCalls: 1, modelCharacters: analysis.usage.characters });
    await deps.sentiment.record({
      threadId: data.threadId,
      messageId: data.messageId,
      senderDisplayName: message.senderDisplayName ?? '',
      text: plain.slice(0, 280),
      sentiment: analysis.sentiment,
      confidence: analysis.confidence,
      entities: analysis.entities,
      language: analysis.language,
      at: Date.now(),
    });
    postAnalysis = settings.analysis === 'all' || (settings.analysis === 'negative' && analysis.sentiment === 'negative');
  }

  const hasTranslation = Object.keys(translations).length + Object.keys(untranslated).length > 0;
  if (!hasTranslation && !postAnalysis) {
    // An edit that no longer needs a translation takes the old post away.
    if (data.kind === 'edited') await deps.poster.remove(data.threadId, source, { ...attempt, forever: false, version: data.version });
    await cacheWrite;
    return { outcome: targets.length || analysis ? 'analysed, not posted' : 'skipped: nothing to translate', modelMs, modelCalls };
  }
  const post = composePost({
    sourceId: data.messageId,
    sourceVersion: data.version,
    sourceLanguage,
    format,
    translations,
    untranslated,
    analysis: postAnalysis ? analysis : undefined,
  });
  let written: Promise<void> | undefined;
  const how = await deps.poster.upsert(data.threadId, source, post, attempt, () => {
    deps.stats.incr({ posted: 1 });
    // Backfill and catch-up enqueue old messages; their age is not the pipeline's latency.
    if (data.enqueuedAt - data.changedAt < LIVE_ENQUEUE_MS) deps.stats.latency('e2e', Date.now() - data.changedAt);
    written = deps.onPosted();
  });
  await written;
  // Sent, then taken back (the original was deleted meanwhile): not a post after all.
  if (written && how === 'unchanged') deps.stats.incr({ posted: -1 });
  await cacheWrite;
  log.info({ how, languages: Object.keys(translations) }, 'bot post');
  return { outcome: how, languages: Object.keys(translations), modelMs, modelCalls };
}

/** A message read from the backend, in the shape jobs carry. */
function fromWire(m: WireMessage): NonNullable<MessageJob['message']> {
  return {
    type: m.type,
    content: m.content?.message ?? '',
    senderId: m.senderCommunicationIdentifier?.communicationUser?.id ?? m.senderCommunicationIdentifier?.rawId ?? '',
    senderDisplayName: m.senderDisplayName,
    metadata: m.metadata,
  };
}

/** The message as the backend has it now, or `null` when it is gone. */
async function currentMessage(client: ChatRestClient, data: MessageJob): Promise<WireMessage | null> {
  try {
    return await client.getMessage(data.threadId, data.messageId);
  } catch (err) {
    if (err instanceof ChatApiError && err.status === 404) return null;
    throw err;
  }
}
