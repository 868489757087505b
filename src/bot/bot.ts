import { MetricsTime, Queue, Worker, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { AdminClient } from '../client/admin-client.js';
import { ChatRestClient } from '../client/chat-rest-client.js';
import { ChatApiError } from '../client/errors.js';
import { RealtimeConnection } from '../client/realtime-connection.js';
import { TokenManager } from '../client/token-manager.js';
import { Dependency, type DependencyStatus } from '../lib/dependency.js';
import { createHttpFetch, httpFetch } from '../lib/http-fetch.js';
import type { Logger } from '../lib/logger.js';
import type { TlsTrust } from '../lib/tls-trust.js';
import { checkEvictionPolicy, createRedis, redisReady } from '../lib/redis.js';
import type { LanguageSupport } from '../providers/language-support.js';
import type { ModelProvider } from '../providers/types.js';
import { watchProvider } from '../providers/watched-provider.js';
import { ensureBotIdentity } from './bot-identity.js';
import { BotStats } from './bot-stats.js';
import { CommandGate } from './command-gate.js';
import { Intake } from './intake.js';
import { Listener } from './listener.js';
import { defaultJobOptions, JOB, QUEUE_NAME } from './queue/jobs.js';
import { reviveFailed } from './queue/revive.js';
import { RedisKeys } from './redis-keys.js';
import { SentimentStore } from './sentiment-store.js';
import { SettingsStore } from './settings-store.js';
import { InlineTextWork, type TextWork } from './text-work/text-work.js';
import { TranslationCache } from './translation-cache.js';
import { createGreeter } from './worker/greet.js';
import { OutageHold } from './worker/outage-hold.js';
import { Poster } from './worker/poster.js';
import { createProcessor } from './worker/processor.js';

export interface BotOptions {
  /** The chat backend's base URL. */
  chatUrl: string;
  accessKey: string;
  /**
   * Certificates trusted for an https backend beside Node's CAs, given to every REST and WebSocket
   * connection (the certificate an all-in-one process just made, or `PARLEY_TLS_CERT`).
   * @defaultValue Node's default trust
   */
  tls?: TlsTrust;
  redisUrl: string;
  /** Key prefix. @defaultValue 'parley' */
  prefix?: string;
  provider: ModelProvider;
  logger: Logger;
  /** Run the real-time listener (intake). @defaultValue true */
  listen?: boolean;
  /** Run queue workers. @defaultValue true */
  work?: boolean;
  displayName?: string;
  /** @defaultValue 16 */
  concurrency?: number;
  /** Jobs per second across every worker; 0 = no limit. @defaultValue 0 */
  rateLimitPerSecond?: number;
  /** @defaultValue 5 */
  attempts?: number;
  /** @defaultValue 0.6 */
  detectThreshold?: number;
  /**
   * BullMQ lock of an active job, renewed every half of it: a killed worker's jobs are handed out
   * again this long (at most) after its death, plus one stalled check. @defaultValue 8000
   */
  lockMs?: number;
  /** How often each worker looks for jobs whose lock expired. @defaultValue 4000 */
  stalledCheckMs?: number;
  /** Period of the listener's reconciliation safety net (ms); 0 = none. @defaultValue 60000 */
  reconcileMs?: number;
  /** How long a job may be held while the chat backend or the model is away. @defaultValue 24 h */
  holdDeadlineMs?: number;
  /** Probe backoff while a dependency is away (tests shorten it). */
  probe?: { minProbeMs?: number; maxProbeMs?: number };
  /** BullMQ worker overrides (tests shorten lock and stalled intervals). */
  workerOptions?: Partial<WorkerOptions>;
  /** Events from the backend's WebSocket (default) or from Event Grid webhooks (`listener.handle`). */
  events?: 'websocket' | 'webhook';
  /** Realtime reconnect backoff bounds. */
  reconnect?: { minBackoffMs?: number; maxBackoffMs?: number };
  /**
   * Where the CPU-bound text work runs; closed by {@link Bot.close}. `startBot` (npm start,
   * `parley bot`, `parley worker`) passes worker threads with a time budget (`TextWorkPool`).
   * @defaultValue in-process, with the provider's language detector
   */
  text?: TextWork;
}

/**
 * The parley bot: listener (real-time events → BullMQ jobs) and/or workers (jobs → model → posts),
 * sharing one Redis. It is a real client of the chat backend: its own identity, token, REST and WS.
 */
export class Bot {
  readonly keys: RedisKeys;
  readonly redis: Redis;
  readonly settings: SettingsStore;
  readonly stats: BotStats;
  readonly sentiment: SentimentStore;
  readonly admin: AdminClient;
  queue!: Queue;
  worker?: Worker;
  listener?: Listener;
  connection?: RealtimeConnection;
  client!: ChatRestClient;
  botId = '';
  private producer?: Redis;
  /** The worker's connection: BullMQ does not close a connection it was handed, so close() does. */
  private workerRedis?: Redis;
  private closing?: Promise<void>;
  private readonly log: Logger;
  private readonly text: TextWork;
  /** The chat backend, as every REST call and WebSocket connect of this process finds it. */
  readonly chatHealth: Dependency;
  /** The model API, when the provider is a remote one. */
  readonly modelHealth?: Dependency;
  private readonly provider: ModelProvider;
  private hold?: OutageHold;

  constructor(private readonly o: BotOptions) {
    this.text = o.text ?? new InlineTextWork((plain) => o.provider.detectLanguage(plain));
    this.log = o.logger.child({ component: 'bot' });
    this.keys = new RedisKeys(o.prefix ?? 'parley');
    // Concurrent jobs issue their small reads and writes in the same ticks: one socket write for
    // all of them (bench:bot, concurrency 32: bot CPU per message 4.0 → 3.0 ms). Not on BullMQ's
    // worker connection, whose blocking commands it would hold up.
    this.redis = createRedis(o.redisUrl, 'general', this.log, { enableAutoPipelining: true });
    this.settings = new SettingsStore(this.redis, this.keys);
    this.stats = new BotStats(this.redis, this.keys);
    this.sentiment = new SentimentStore(this.redis, this.keys);
    this.admin = new AdminClient(o.chatUrl, o.accessKey, { tls: o.tls });
    const backendUrl = o.chatUrl.replace(/\/$/, '');
    const probeFetch = o.tls ? createHttpFetch({ secureContext: o.tls.secureContext }) : httpFetch;
    this.chatHealth = new Dependency({
      name: 'chat backend',
      endpoint: backendUrl,
      logger: this.log,
      ...o.probe,
      // Any answer below 500 means it is there (GET / is the web chat page or a 404).
      probe: async (signal) => {
        const res = await probeFetch(`${backendUrl}/`, { signal });
        await res.arrayBuffer();
        if (res.status >= 500) throw new Error(`answered ${res.status}`);
      },
    });
    const provider = o.provider;
    this.modelHealth = provider.endpoint
      ? new Dependency({ name: 'model', endpoint: provider.endpoint, logger: this.log, ...o.probe, probe: provider.probe && ((signal) => provider.probe!(signal)) })
      : undefined;
    this.provider = this.modelHealth ? watchProvider(provider, this.modelHealth) : provider;
  }

  /** The chat backend's and the model API's state, for `/readyz` and the dashboard. */
  dependencies(): DependencyStatus[] {
    return [this.chatHealth.status(), ...(this.modelHealth ? [this.modelHealth.status()] : [])];
  }

  /** Where the model is and whether it answered at start-up, in words (start-up banners). */
  modelSummary(): string {
    const p = this.o.provider;
    if (!this.modelHealth) return `${p.name} ${p.model} (offline engine)`;
    const s = this.modelHealth.status();
    const state = s.state === 'down' ? `UNREACHABLE: ${s.lastError}; messages wait until it answers` : 'reachable';
    return `${p.name} ${p.model} at ${s.endpoint} (${state})`;
  }

  /** What the bot's provider can translate (`undefined`: any language). */
  languageSupport(): LanguageSupport | undefined {
    return this.o.provider.languageSupport?.();
  }

  async start(): Promise<this> {
    // Probed while the rest starts: a model that is away is named at once, and holds work from the start.
    const modelProbe = this.modelHealth?.check();
    await redisReady(this.redis, 10_000);
    await checkEvictionPolicy(this.redis, this.log);
    this.botId = await ensureBotIdentity(this.redis, this.keys, this.admin);
    await this.announceIdentity();
    const tokens = new TokenManager(() => this.admin.issueToken(this.botId, ['chat'], 1440));
    this.client = new ChatRestClient({ endpoint: this.o.chatUrl, tokens, tls: this.o.tls, health: this.chatHealth });
    // The producer fails fast when Redis is down: the listener then leaves the change to catch-up.
    this.producer = createRedis(this.o.redisUrl, 'producer', this.log);
    await redisReady(this.producer, 10_000);
    this.queue = new Queue(QUEUE_NAME, {
      connection: this.producer,
      prefix: this.keys.queuePrefix,
      defaultJobOptions: defaultJobOptions(this.o.attempts ?? 5),
    });
    this.queue.on('error', (err) => this.log.warn({ err: err.message }, 'queue error'));

    if (modelProbe) {
      const reachable = await modelProbe;
      const p = this.o.provider;
      const fields = { provider: p.name, model: p.model, endpoint: p.endpoint };
      if (reachable) this.log.info(fields, `model ${p.model} at ${p.endpoint} answers`);
    }
    if (this.o.work !== false) this.startWorker();
    if (this.o.listen !== false) {
      const intake = new Intake(this.queue, this.settings, this.log, new CommandGate(this.redis, this.keys));
      this.listener = new Listener({
        botId: this.botId,
        client: this.client,
        intake,
        settings: this.settings,
        logger: this.log,
        reconcileMs: this.o.reconcileMs ?? 60_000,
        revive: () =>
          reviveFailed({ queue: this.queue, redis: this.redis, keys: this.keys, logger: this.log, maxAgeMs: this.o.holdDeadlineMs ?? 24 * 3600_000 }),
      });
      this.listener.startReconciling();
      if (this.o.events === 'webhook') {
        await this.listener.catchUp();
        this.log.info({ botId: this.botId }, 'bot started (events from webhooks)');
        return this;
      }
      this.connection = new RealtimeConnection({
        endpoint: this.o.chatUrl,
        tokens,
        tls: this.o.tls,
        logger: this.log,
        onFrame: (frame) => void this.listener!.handle(frame),
        onConnected: () => this.listener!.catchUp(),
        health: this.chatHealth,
        ...this.o.reconnect,
      });
      // The backend answers again: reconnect now rather than at the end of a long backoff.
      this.chatHealth.onAvailability((available) => available && this.connection?.reconnectNow());
      this.connection.start();
      await this.connection.ready;
    }
    this.log.info({ botId: this.botId, listen: this.o.listen !== false, work: this.o.work !== false }, 'bot started');
    return this;
  }

  /**
   * Publishes the bot's identity on the backend (`GET /parley/bot`), so clients trust only its posts.
   * A backend without the endpoint (real ACS) answers 404: clients there learn it some other way.
   */
  private async announceIdentity(): Promise<void> {
    try {
      await this.admin.registerBot(this.botId, this.o.displayName ?? 'parley');
    } catch (err) {
      const status = err instanceof ChatApiError ? err.status : undefined;
      this.log[status === 404 || status === 405 ? 'debug' : 'warn']({ err: (err as Error).message }, 'could not publish the bot identity on the backend');
    }
  }

  private startWorker(): void {
    this.hold = new OutageHold({ queue: this.queue, chat: this.chatHealth, model: this.modelHealth, logger: this.log, deadlineMs: this.o.holdDeadlineMs });
    const processor = createProcessor({
      botId: this.botId,
      client: this.client,
      settings: this.settings,
      provider: this.provider,
      cache: new TranslationCache(this.redis, this.keys),
      poster: new Poster(this.client, this.redis, this.keys, this.botId),
      commands: new CommandGate(this.redis, this.keys),
      sentiment: this.sentiment,
      stats: this.stats,
      queue: this.queue,
      logger: this.log,
      detectThreshold: this.o.detectThreshold ?? 0.6,
      text: this.text,
    });
    const greeter = createGreeter({ botId: this.botId, client: this.client, settings: this.settings, redis: this.redis, keys: this.keys, logger: this.log });
    const rate = this.o.rateLimitPerSecond ?? 0;
    this.workerRedis = createRedis(this.o.redisUrl, 'worker', this.log);
    // Held, greetings included, while the chat backend or the model is away.
    const run = this.hold.wrap<unknown>((job, token) => (job.name === JOB.greeting ? greeter(job) : processor(job, token)));
    this.worker = new Worker(QUEUE_NAME, run, {
      connection: this.workerRedis,
      prefix: this.keys.queuePrefix,
      concurrency: this.o.concurrency ?? 16,
      // queue.rateLimit (429 handling) needs a limiter; without a configured rate it never binds.
      limiter: { max: rate > 0 ? rate : 1_000_000, duration: 1000 },
      // Per-minute completed/failed counts in Redis: the dashboard's throughput chart and bull-board's.
      metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
      // Short locks, renewed while a job runs (model calls included), so a killed worker's jobs go
      // out again within seconds; a job stalled twice (two crashes) still gets a third run.
      lockDuration: this.o.lockMs ?? 8000,
      stalledInterval: this.o.stalledCheckMs ?? 4000,
      maxStalledCount: 2,
      ...this.o.workerOptions,
    });
    this.worker.on('error', (err) => this.log.warn({ err: err.message }, 'worker error'));
    this.worker.on('failed', (job, err) => {
      const final = !job || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
      this.log[final ? 'error' : 'warn']({ jobId: job?.id, attempt: job?.attemptsMade, err: err.message }, final ? 'job failed' : 'job attempt failed');
      if (final) void this.stats.incr({ failed: 1 }).catch(() => undefined);
    });
  }

  /**
   * Idempotent graceful stop: listener first (no new jobs), then workers drain their active jobs,
   * then queues and Redis connections close. Every step runs even if one fails.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const steps: Array<[string, () => Promise<unknown> | undefined]> = [
        ['dependency probes', async () => (this.chatHealth.close(), this.modelHealth?.close(), this.hold?.close())],
        ['realtime connection', () => this.connection?.close()],
        ['listener', () => this.listener?.close()],
        ['worker', () => this.worker?.close()],
        ['queue', () => this.queue?.close()],
        ['provider', () => this.o.provider.close()],
        ['text work', () => this.text.close()],
        ['redis', () => this.redis.quit()],
        ['producer', () => this.producer?.quit()],
        ['worker redis', () => this.workerRedis?.quit()],
      ];
      for (const [name, step] of steps) {
        try {
          await step();
        } catch (err) {
          this.log.warn({ err: (err as Error).message, step: name }, 'bot shutdown step failed');
        }
      }
    })();
    return this.closing;
  }
}
