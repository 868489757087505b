import { Redis } from 'ioredis';

/** The shared Redis every test uses (private instances are only for tests that kill Redis). */
const SHARED_REDIS = 'redis://127.0.0.1:6379';

/** What a run left behind: key counts, per prefix (`test-<run>-<file>-<id>`). */
export interface RunKeys {
  keys: number;
  withoutTtl: number;
  byPrefix: Record<string, number>;
  /** A few of the keys, to tell what wrote them. */
  examples: string[];
}

/**
 * Finds, counts and deletes every key of one test run (`test-<run>-…:*` and BullMQ's
 * `{test-<run>-…}:*`). Keys of other, concurrent runs are never touched.
 */
export async function sweepRunKeys(run: string, redisUrl = SHARED_REDIS): Promise<RunKeys> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined);
  const found: RunKeys = { keys: 0, withoutTtl: 0, byPrefix: {}, examples: [] };
  try {
    await redis.connect();
    for (const pattern of [`test-${run}-*`, `{test-${run}-*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length === 0) continue;
        const ttls = await Promise.all(keys.map((k) => redis.pttl(k)));
        for (const [i, key] of keys.entries()) {
          const prefix = key.replace(/^\{/, '').split(/[}:]/)[0]!;
          found.byPrefix[prefix] = (found.byPrefix[prefix] ?? 0) + 1;
          if (ttls[i] === -1) found.withoutTtl++;
        }
        found.keys += keys.length;
        found.examples.push(...keys.slice(0, Math.max(0, 5 - found.examples.length)));
        await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
  return found;
}
