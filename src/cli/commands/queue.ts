import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { BotStats } from '../../bot/bot-stats.js';
import { QUEUE_NAME } from '../../bot/queue/jobs.js';
import { retryAllFailed } from '../../bot/queue/manual-retry.js';
import { RedisKeys } from '../../bot/redis-keys.js';
import type { Config } from '../../config/load-config.js';
import { createLogger } from '../../lib/logger.js';
import { createRedis, redisReady } from '../../lib/redis.js';
import { cliRedisProblem } from '../redis-problem.js';
import type { LatencySummary } from '../../metrics/percentiles.js';
import { queueSnapshot, QUEUE_STATES, type QueueSnapshot } from '../../metrics/queue-snapshot.js';

export interface QueueCommandArgs {
  /** Print the snapshot as JSON instead of text. @defaultValue false */
  json?: boolean;
  /** @defaultValue process.stdout */
  out?: NodeJS.WritableStream;
}

/** Runs `fn` with the bot's queue and counters on the configured Redis, then disconnects. */
export async function withQueue<T>(config: Config, fn: (queue: Queue, stats: BotStats, redis: Redis) => Promise<T>): Promise<T> {
  const redis = createRedis(config.redis.url, 'general', createLogger('silent'));
  const keys = new RedisKeys(config.redis.prefix);
  const queue = new Queue(QUEUE_NAME, { connection: redis, prefix: keys.queuePrefix });
  queue.on('error', () => undefined);
  try {
    await redisReady(redis, 3000).catch(async () => {
      throw new Error(await cliRedisProblem(config.redis.url));
    });
    return await fn(queue, new BotStats(redis, keys), redis);
  } finally {
    await queue.close().catch(() => undefined);
    redis.disconnect();
  }
}

const ms = (v: number | null) => (v === null ? '-' : v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(2)} s`);
const pcts = (s: LatencySummary) => `p50 ${ms(s.p50)}  p90 ${ms(s.p90)}  p99 ${ms(s.p99)}  (${s.count} samples)`;

/** The text `parley queue stats` prints. */
export function formatSnapshot(s: QueueSnapshot, prefix: string): string {
  const hour = s.throughput.reduce((a, b) => a + b.completed, 0);
  const failedHour = s.throughput.reduce((a, b) => a + b.failed, 0);
  const m = s.model;
  const rate = m.cacheHitRate === null ? '-' : `${Math.round(m.cacheHitRate * 100)}% (${m.cacheHits} of ${m.cacheHits + m.cacheMisses})`;
  return [
    `queue ${QUEUE_NAME} (prefix {${prefix}}): ${s.paused ? 'PAUSED' : 'running'}`,
    `  ${QUEUE_STATES.map((st) => `${st} ${s.counts[st]}`).join('  ')}`,
    `throughput   this minute ${s.thisMinute}  ·  5-min avg ${s.perMinute.toFixed(1)}/min  ·  last hour ${hour} completed, ${failedHour} failed`,
    `processing   ${pcts(s.latency.processing)}`,
    `end-to-end   ${pcts(s.latency.e2e)}`,
    `model call   ${pcts(s.latency.model)}`,
    `model usage  calls ${m.calls}  ·  characters ${m.characters}  ·  tokens ${m.inputTokens} in / ${m.outputTokens} out  ·  cache hit rate ${rate}`,
    '',
  ].join('\n');
}

/** `parley queue stats`: counts per state, throughput, latency percentiles and model usage. */
export async function queueStats(config: Config, args: QueueCommandArgs = {}): Promise<QueueSnapshot> {
  const out = args.out ?? process.stdout;
  const snapshot = await withQueue(config, (queue, stats) => queueSnapshot(queue, stats));
  out.write(args.json ? `${JSON.stringify(snapshot, null, 2)}\n` : formatSnapshot(snapshot, config.redis.prefix));
  return snapshot;
}

/** `parley queue retry-failed`: moves every failed job back to waiting; returns how many. */
export async function queueRetryFailed(config: Config, args: Omit<QueueCommandArgs, 'json'> = {}): Promise<number> {
  const out = args.out ?? process.stdout;
  const count = await withQueue(config, async (queue) => {
    return retryAllFailed(queue);
  });
  out.write(count ? `retried ${count} failed job${count === 1 ? '' : 's'}\n` : 'no failed jobs\n');
  return count;
}
