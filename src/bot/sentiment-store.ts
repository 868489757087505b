import type { Redis } from 'ioredis';
import type { AnalyzeResult } from '../providers/types.js';
import type { RedisKeys } from './redis-keys.js';

export interface AnalysisRecord {
  threadId: string;
  messageId: string;
  senderDisplayName: string;
  text: string;
  sentiment: AnalyzeResult['sentiment'];
  confidence: AnalyzeResult['confidence'];
  entities: AnalyzeResult['entities'];
  language: string | null;
  at: number;
}

/** Smoothing of the rolling per-thread sentiment: weight of the newest message. */
const ALPHA = 0.4;
const KEEP = 20;

/**
 * The rolling sentiment of each thread (an exponentially weighted mean of positive − negative) and
 * its latest analyses, plus a sorted set of threads by negativity so the angriest come first.
 */
export class SentimentStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async record(a: AnalysisRecord): Promise<number> {
    const score = a.confidence.positive - a.confidence.negative;
    const prev = await this.redis.hget(this.keys.sentiment(a.threadId), 'score');
    const rolling = prev === null ? score : ALPHA * score + (1 - ALPHA) * Number(prev);
    await this.redis
      .multi()
      .hset(this.keys.sentiment(a.threadId), { score: rolling.toFixed(4), updatedOn: String(a.at) })
      .hincrby(this.keys.sentiment(a.threadId), 'count', 1)
      .zadd(this.keys.priority, (-rolling).toFixed(4), a.threadId)
      .lpush(this.keys.analyses(a.threadId), JSON.stringify(a))
      .ltrim(this.keys.analyses(a.threadId), 0, KEEP - 1)
      .exec();
    return rolling;
  }

  /** Threads, most negative first, with their rolling score and latest analyses. */
  async priority(limit = 50): Promise<Array<{ threadId: string; score: number; latest: AnalysisRecord[] }>> {
    const ids = await this.redis.zrevrange(this.keys.priority, 0, limit - 1, 'WITHSCORES');
    const out: Array<{ threadId: string; score: number; latest: AnalysisRecord[] }> = [];
    for (let i = 0; i < ids.length; i += 2) {
      const threadId = ids[i]!;
      const latest = (await this.redis.lrange(this.keys.analyses(threadId), 0, 4)).map((s) => JSON.parse(s) as AnalysisRecord);
      out.push({ threadId, score: -Number(ids[i + 1]), latest });
    }
    return out;
  }
}
