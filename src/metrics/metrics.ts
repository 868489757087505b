import type { Queue } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BotStats, Counter as StatName } from '../bot/bot-stats.js';
import { QUEUE_STATES } from './queue-snapshot.js';

/** What {@link Metrics.attachBot} reads from a bot: its queue and its counters' update hook. */
export interface MetricsBot {
  queue?: Queue;
  stats: BotStats;
}

export interface MetricsOptions {
  /** Also export Node's process metrics (`parley_process_*`, `parley_nodejs_*`). @defaultValue true */
  processMetrics?: boolean;
}

const SECONDS_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * The process's Prometheus metrics: one prom-client {@link Registry} per instance (never the global
 * default), with `parley_`-prefixed series. Counters and histograms follow the bot's
 * `BotStats.onUpdate`, so they count what this process did; queue depth is read from Redis on scrape.
 */
export class Metrics {
  readonly registry = new Registry();
  /** `parley_http_request_duration_seconds{method,route,status_code}`, fed by `installHttpMetrics`. */
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  private readonly counters: Partial<Record<StatName, Counter<string>>> = {};
  private readonly tokens: Counter<'kind'>;
  private readonly durations: Record<'model' | 'processing' | 'e2e', Histogram<string>>;
  private bot?: MetricsBot;
  private detach?: () => void;
  private connections?: () => number;

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'parley_' });
    const counter = (name: string, help: string) => new Counter({ name, help, registers });
    this.counters = {
      processed: counter('parley_jobs_processed_total', 'Jobs this process handled to completion (posted or skipped).'),
      failed: counter('parley_jobs_failed_total', 'Jobs that failed for good (attempts exhausted or unrecoverable).'),
      skipped: counter('parley_jobs_skipped_total', 'Completed jobs that needed no post.'),
      posted: counter('parley_bot_posts_total', 'Bot posts created or updated.'),
      rateLimited: counter('parley_model_rate_limited_total', 'Model answers that said 429.'),
      modelCalls: counter('parley_model_calls_total', 'Calls to the model provider.'),
      modelCharacters: counter('parley_model_characters_total', 'Characters sent to the model provider.'),
      cacheHits: counter('parley_translation_cache_hits_total', 'Target languages served from the translation cache.'),
      cacheMisses: counter('parley_translation_cache_misses_total', 'Target languages the model had to translate.'),
      untranslated: counter('parley_untranslated_total', 'Target languages not translated (skipped or failed).'),
      languagesSkipped: counter('parley_languages_skipped_total', 'Target languages skipped: the engine cannot serve them (no pair, not offered, source undetected).'),
      languagesFailed: counter('parley_languages_failed_total', 'Target languages whose translation failed on the last attempt (damaged answer).'),
    };
    this.tokens = new Counter({ name: 'parley_model_tokens_total', help: 'Model tokens by kind (input, output).', labelNames: ['kind'], registers });
    const histogram = (name: string, help: string, buckets = SECONDS_BUCKETS) => new Histogram({ name, help, buckets, registers });
    this.durations = {
      model: histogram('parley_model_call_duration_seconds', 'Duration of one model call.'),
      processing: histogram('parley_job_processing_duration_seconds', 'Duration of one job in a worker.'),
      e2e: histogram('parley_end_to_end_latency_seconds', 'From the message being sent to the bot post.', [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300]),
    };
    this.httpDuration = new Histogram({
      name: 'parley_http_request_duration_seconds',
      help: 'HTTP request duration by method, route pattern and status.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    const self = this;
    new Gauge({
      name: 'parley_queue_jobs',
      help: 'Jobs in the bot queue by state (read from Redis at scrape time).',
      labelNames: ['state'],
      registers,
      async collect() {
        const queue = self.bot?.queue;
        if (!queue) return;
        const counts = await queue.getJobCounts(...QUEUE_STATES);
        for (const state of QUEUE_STATES) this.set({ state }, counts[state] ?? 0);
      },
    });
    new Gauge({
      name: 'parley_websocket_connections',
      help: 'Open real-time WebSocket connections of this backend.',
      registers,
      collect() {
        if (self.connections) this.set(self.connections());
      },
    });
  }

  /**
   * Follows a bot's counters and latency samples, and reads its queue for depth gauges. Call once
   * the bot has started; calling again with the same bot is a no-op, with another bot it moves over.
   */
  attachBot(bot: MetricsBot): void {
    if (this.bot === bot) return;
    this.detach?.();
    this.bot = bot;
    this.detach = bot.stats.onUpdate((name, value) => {
      if (name.startsWith('latency:')) {
        const kind = name.slice('latency:'.length) as keyof Metrics['durations'];
        this.durations[kind]?.observe(value / 1000);
      } else if (name === 'modelInputTokens') this.tokens.inc({ kind: 'input' }, value);
      else if (name === 'modelOutputTokens') this.tokens.inc({ kind: 'output' }, value);
      else this.counters[name as StatName]?.inc(value);
    });
  }

  /** Reports `parley_websocket_connections` from `count` (e.g. `() => realtimeHub.connections`). */
  trackConnections(count: () => number): void {
    this.connections = count;
  }

  /** Content type of {@link render}'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text: parley's series, then BullMQ's own exporter (`bullmq_*`) when a bot is attached. */
  async render(): Promise<string> {
    const own = await this.registry.metrics();
    const queue = this.bot?.queue;
    if (!queue) return own;
    const bull = await queue.exportPrometheusMetrics().catch(() => '');
    return bull ? `${own.trimEnd()}\n${bull}\n` : own;
  }
}
