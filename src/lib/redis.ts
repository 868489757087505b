import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger.js';

/**
 * Redis connections by role (style rule 8): workers block and must never give up
 * (`maxRetriesPerRequest: null`); producers fail fast so a caller sees Redis being down at once.
 */
export function createRedis(url: string, role: 'worker' | 'producer' | 'general', logger: Logger, extra: RedisOptions = {}): Redis {
  const options: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null }
      : role === 'producer'
        ? { maxRetriesPerRequest: 1, enableOfflineQueue: false }
        : { maxRetriesPerRequest: 3 };
  const redis = new Redis(url, { ...options, lazyConnect: false, connectionName: `parley-${role}`, ...extra });
  let last = '';
  redis.on('error', (err: Error) => {
    // ioredis repeats connection errors on every retry; log each distinct one once.
    if (err.message !== last) logger.warn({ role, err: err.message }, 'redis error');
    last = err.message;
  });
  redis.on('ready', () => (last = ''));
  return redis;
}

/** Resolves when the connection is ready, or rejects after `timeoutMs`. */
export function redisReady(redis: Redis, timeoutMs = 5000): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}

/** BullMQ needs `noeviction`: an evicting Redis silently drops jobs. Returns the policy in force. */
export async function checkEvictionPolicy(redis: Redis, logger: Logger): Promise<string | null> {
  try {
    const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
    if (policy !== 'noeviction') {
      logger.warn({ policy }, `Redis maxmemory-policy is '${policy}'; set it to 'noeviction' or queued jobs can be evicted`);
    }
    return policy;
  } catch {
    return null; // managed Redis may forbid CONFIG
  }
}
