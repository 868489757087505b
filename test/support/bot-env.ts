/**
 * Pieces for bot integration tests: a unique Redis prefix and its clean-up, a watcher of the bot's
 * posts on the backend's event bus, waits for BullMQ jobs by their deterministic id, and threads
 * the bot serves. Every wait is event-driven, with a timeout only to fail with a clear message.
 */
import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { Bot as BotClass, type Bot, type BotOptions } from '../../src/bot/bot.js';
import { createLogger } from '../../src/lib/logger.js';
import { OpenAIProvider } from '../../src/providers/openai-provider.js';
import { startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions } from './fake-openai.js';
import { messageJobId, type MessageJob } from '../../src/bot/queue/jobs.js';
import type { ThreadSettings } from '../../src/bot/settings-store.js';
import type { ChatEvent } from '../../src/chat/events.js';
import type { Message } from '../../src/chat/model.js';
import { startTestBackend, type TestBackend } from './chat-server.js';

export const REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * A key prefix no other test file uses: `test-<run>-<name>-<id>`. The run id (set by global-setup)
 * lets the run's end find whatever a test forgot to delete, without touching concurrent runs' keys.
 */
export const uniquePrefix = (name: string): string => `test-${process.env.PARLEY_TEST_RUN ?? 'norun'}-${name}-${randomUUID().slice(0, 8)}`;

/** Deletes every key of a prefix: the bot's own (`p:*`) and BullMQ's (`{p}:*`). */
export async function deletePrefix(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    for (const pattern of [`${prefix}:*`, `{${prefix}}:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length) deleted += await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Rejects after `ms` with `what` in the message; the timer never keeps the process alive. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

type BotEvent = { type: 'chatMessageReceived' | 'chatMessageEdited' | 'chatMessageDeleted'; message: Message; at: number };

/**
 * Records every message change made by the bot's identity, in order, as the backend commits it, and
 * resolves waits on them (past events included, so a wait set up late does not miss anything).
 */
export class BotPostWatch {
  readonly events: BotEvent[] = [];
  private readonly waiters = new Set<{ test: (e: BotEvent) => boolean; resolve: (e: BotEvent) => void }>();
  private readonly unsubscribe: () => void;

  constructor(
    backend: TestBackend,
    private readonly botId: () => string,
  ) {
    this.unsubscribe = backend.chat.events.subscribe((e: ChatEvent) => {
      if (e.type !== 'chatMessageReceived' && e.type !== 'chatMessageEdited' && e.type !== 'chatMessageDeleted') return;
      if (e.message.senderId !== this.botId()) return;
      const event: BotEvent = { type: e.type, message: e.message, at: performance.now() };
      this.events.push(event);
      for (const w of this.waiters) {
        if (w.test(event)) {
          this.waiters.delete(w);
          w.resolve(event);
        }
      }
    });
  }

  /** The first bot event (past or future) that passes `test`. */
  next(test: (e: BotEvent) => boolean, what: string, timeoutMs = 20_000): Promise<BotEvent> {
    const seen = this.events.find(test);
    if (seen) return Promise.resolve(seen);
    return within(new Promise<BotEvent>((resolve) => this.waiters.add({ test, resolve })), timeoutMs, what);
  }

  /** The bot's post for an original message. */
  async posted(threadId: string, sourceId: string, timeoutMs?: number): Promise<Message> {
    const e = await this.next(
      (x) => x.type === 'chatMessageReceived' && x.message.threadId === threadId && x.message.metadata?.parleySourceId === sourceId,
      `the bot's post for message ${sourceId}`,
      timeoutMs,
    );
    return e.message;
  }

  /** The bot's post updated for `sourceVersion` of its original. */
  async updated(threadId: string, postId: string, sourceVersion: string): Promise<Message> {
    const e = await this.next(
      (x) => x.type === 'chatMessageEdited' && x.message.threadId === threadId && x.message.id === postId && x.message.metadata?.parleySourceVersion === sourceVersion,
      `an update of post ${postId} for version ${sourceVersion}`,
    );
    return e.message;
  }

  async deleted(threadId: string, postId: string): Promise<void> {
    await this.next((x) => x.type === 'chatMessageDeleted' && x.message.threadId === threadId && x.message.id === postId, `deletion of post ${postId}`);
  }

  /** Posts (not edits or deletes) the bot made for `sourceId`. */
  postsFor(threadId: string, sourceId: string): Message[] {
    return this.events
      .filter((x) => x.type === 'chatMessageReceived' && x.message.threadId === threadId && x.message.metadata?.parleySourceId === sourceId)
      .map((x) => x.message);
  }

  close(): void {
    this.unsubscribe();
    this.waiters.clear();
  }
}

/** The job id the listener gives a message change. */
export function jobIdOf(m: Pick<Message, 'threadId' | 'id' | 'version'>, kind: MessageJob['kind'] = 'received'): string {
  return messageJobId({ kind, threadId: m.threadId, messageId: m.id, version: m.version });
}

/** The states of the jobs of these messages (`received` changes), in order. */
export function jobStates(bot: Bot, messages: Array<Pick<Message, 'threadId' | 'id' | 'version'>>): Promise<string[]> {
  return Promise.all(messages.map((m) => bot.queue.getJobState(jobIdOf(m))));
}

/**
 * Resolves with the job once it has completed, or failed for good, in this process's worker.
 * Subscribes before looking at Redis, so a job that finishes in between is not missed.
 */
export function jobFinished(bot: Bot, jobId: string, timeoutMs = 20_000): Promise<Job> {
  const worker = bot.worker;
  if (!worker) throw new Error('jobFinished needs a bot that runs a worker');
  let cleanup = () => {};
  const done = new Promise<Job>((resolve) => {
    const onCompleted = (job: Job) => {
      if (job.id === jobId) finish(job);
    };
    const onFailed = (job: Job | undefined) => {
      if (job?.id === jobId && job.finishedOn) finish(job);
    };
    const finish = (job: Job) => {
      cleanup();
      resolve(job);
    };
    cleanup = () => {
      worker.off('completed', onCompleted);
      worker.off('failed', onFailed);
    };
    worker.on('completed', onCompleted);
    worker.on('failed', onFailed);
    void bot.queue.getJob(jobId).then((job) => {
      if (job?.finishedOn) finish(job);
    });
  });
  return within(done, timeoutMs, `job ${jobId}`).finally(() => cleanup());
}

/** A thread with the given members (the first creates it), set up for the bot and joined by it. */
export async function threadWithBot(
  backend: TestBackend,
  bot: Bot,
  settings: Partial<Omit<ThreadSettings, 'threadId'>>,
  members = 1,
): Promise<{ threadId: string; users: string[] }> {
  const users = Array.from({ length: members }, () => backend.identity.createUser());
  const { thread } = backend.chat.createThread(users[0]!, {
    topic: 'bot test',
    participants: users.slice(1).map((rawId, i) => ({ rawId, displayName: `user${i + 1}` })),
  });
  await bot.settings.put(thread.id, settings);
  await bot.admin.addParticipant(thread.id, bot.botId, 'parley');
  return { threadId: thread.id, users };
}

/** Bot posts (not deleted) in a thread, read through the backend, grouped by the original's id. */
export function botPostsBySource(backend: TestBackend, reader: string, threadId: string, botId: string): Map<string, Message[]> {
  const out = new Map<string, Message[]>();
  let beforeSeq: number | null = null;
  do {
    const page: { messages: Message[]; nextBeforeSeq: number | null } = backend.chat.listMessages(reader, threadId, { limit: 200, startTime: -1, beforeSeq });
    for (const m of page.messages) {
      if (m.senderId !== botId || m.deletedOn !== null) continue;
      const source = m.metadata?.parleySourceId;
      if (source) out.set(source, [...(out.get(source) ?? []), m]);
    }
    beforeSeq = page.nextBeforeSeq;
  } while (beforeSeq !== null);
  return out;
}

/** A real backend, the fake OpenAI server and a Bot using the real openai client against it. */
/** A bot on `backend` under `prefix`, with the fake OpenAI server at `modelUrl` as its model, logging nothing. */
export function fakeModelBotOptions(backend: Pick<TestBackend, 'url' | 'accessKey'>, modelUrl: string, prefix: string, extra: Partial<BotOptions> = {}): BotOptions {
  return {
    chatUrl: backend.url,
    accessKey: backend.accessKey,
    redisUrl: REDIS_URL,
    prefix,
    provider: new OpenAIProvider({ baseURL: modelUrl, apiKey: 'test', model: 'fake' }),
    logger: createLogger('silent'),
    ...extra,
  };
}

export interface BotStack {
  backend: TestBackend;
  fake: FakeOpenAI;
  bot: Bot;
  watch: BotPostWatch;
  prefix: string;
  close(): Promise<void>;
}

/** Starts a {@link BotStack} with a unique Redis prefix; `close()` stops it all and deletes the keys. */
export async function startBotStack(name: string, opts: { fake?: FakeOpenAIOptions; bot?: Partial<BotOptions> } = {}): Promise<BotStack> {
  const prefix = uniquePrefix(name);
  const [backend, fake] = await Promise.all([startTestBackend(), startFakeOpenAI(opts.fake)]);
  const bot = await new BotClass(fakeModelBotOptions(backend, fake.url, prefix, opts.bot)).start();
  const watch = new BotPostWatch(backend, () => bot.botId);
  return {
    backend,
    fake,
    bot,
    watch,
    prefix,
    async close() {
      watch.close();
      await bot.close();
      await Promise.all([backend.close(), fake.close()]);
      await deletePrefix(REDIS_URL, prefix);
    },
  };
}
