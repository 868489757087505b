import { Redis } from 'ioredis';
import type { ChatRestClient } from '../../src/client/chat-rest-client.js';
import { BoundedMap } from '../../src/lib/bounded-map.js';
import { createLogger } from '../../src/lib/logger.js';
import type { Counter, LatencyKind, StatsSink } from '../../src/bot/bot-stats.js';
import type { MessageJob } from '../../src/bot/queue/jobs.js';
import { RedisKeys } from '../../src/bot/redis-keys.js';
import { SentimentStore } from '../../src/bot/sentiment-store.js';
import { SettingsStore } from '../../src/bot/settings-store.js';
import { TranslationCache } from '../../src/bot/translation-cache.js';
import type { Post } from '../../src/bot/worker/compose.js';
import type { Poster } from '../../src/bot/worker/poster.js';
import { newJobContext, type JobContext, type StageDeps } from '../../src/bot/worker/stages/job-context.js';
import type { ModelProvider } from '../../src/providers/types.js';
import { InlineTextWork } from '../../src/bot/text-work/text-work.js';
import { deletePrefix, REDIS_URL, uniquePrefix } from './bot-env.js';
import { fakeProvider } from './fake-provider.js';

/** A poster that records what the stage asked of it (the real one is covered by the bot's integration tests). */
export interface RecordingPoster {
  upserts: Array<{ threadId: string; post: Post }>;
  removals: Array<{ threadId: string; forever: boolean }>;
  replies: Array<{ threadId: string; post: Post }>;
}

/** Counters a stage wrote, summed. */
export interface RecordingStats extends StatsSink {
  counts: Partial<Record<Counter, number>>;
  latencies: Array<[LatencyKind, number]>;
}

/**
 * Stage unit tests: real Redis stores under a unique prefix, the in-process fake provider, a
 * recording poster. `close()` deletes the prefix's keys and quits.
 */
export function stageEnv(name: string) {
  const prefix = uniquePrefix(`stage-${name}`);
  const redis = new Redis(REDIS_URL, { lazyConnect: false });
  const keys = new RedisKeys(prefix);
  const settings = new SettingsStore(redis, keys);
  const cache = new TranslationCache(redis, keys, 60);
  const sentiment = new SentimentStore(redis, keys);
  return {
    redis,
    keys,
    settings,
    cache,
    sentiment,
    /** A context for `data`, as the first stage gets it; `deps` overrides the defaults. */
    context(data: Partial<MessageJob> & { message?: MessageJob['message'] }, deps: Partial<StageDeps> & { provider?: ModelProvider } = {}, attemptsMade = 0, attempts = 3) {
      const recorded: RecordingPoster = { upserts: [], removals: [], replies: [] };
      const poster = {
        async upsert(threadId: string, _source: unknown, post: Post, _attempt: unknown, onSent?: () => void) {
          recorded.upserts.push({ threadId, post });
          onSent?.();
          return 'posted' as const;
        },
        async remove(threadId: string, _source: unknown, attempt: { forever: boolean }) {
          recorded.removals.push({ threadId, forever: attempt.forever });
          return true;
        },
        async reply(threadId: string, _source: unknown, _attempt: unknown, compose: () => Promise<Post>) {
          recorded.replies.push({ threadId, post: await compose() });
          return true;
        },
      } as unknown as Poster;
      const stats: RecordingStats = {
        counts: {},
        latencies: [],
        incr(counts) {
          for (const [k, v] of Object.entries(counts) as Array<[Counter, number]>) stats.counts[k] = (stats.counts[k] ?? 0) + v;
        },
        latency(kind, ms) {
          stats.latencies.push([kind, ms]);
        },
      };
      const full: MessageJob = {
        threadId: 'thread-1',
        messageId: '1000',
        version: '1000',
        kind: 'received',
        changedAt: Date.now(),
        enqueuedAt: Date.now(),
        ...data,
      };
      const provider = deps.provider ?? fakeProvider();
      const stageDeps: StageDeps = {
        botId: '8:acs:bot',
        client: {} as ChatRestClient,
        settings,
        provider,
        text: new InlineTextWork((plain) => provider.detectLanguage(plain)),
        cache,
        poster,
        sentiment,
        stats,
        queue: { getJobState: async () => 'completed' as const },
        detectThreshold: 0.5,
        recentTargets: new BoundedMap(100),
        onPosted: async () => undefined,
        ...deps,
      };
      const ctx: JobContext = newJobContext({
        deps: stageDeps,
        job: { attemptsMade, opts: { attempts } },
        data: full,
        attempt: { jobId: 'job-1', token: 'token', rerun: false },
        log: createLogger('silent'),
      });
      return { ctx, poster: recorded, stats };
    },
    async close() {
      await deletePrefix(REDIS_URL, prefix);
      redis.disconnect();
    },
  };
}

/** A job's message from `senderId` (default a user). */
export function textMessage(content: string, extra: Partial<NonNullable<MessageJob['message']>> = {}): NonNullable<MessageJob['message']> {
  return { type: 'text', content, senderId: '8:acs:alice', senderDisplayName: 'Alice', ...extra };
}
