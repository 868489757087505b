import type { Redis } from 'ioredis';
import type { AdminClient } from '../client/admin-client.js';
import { ChatApiError } from '../client/errors.js';
import type { RedisKeys } from './redis-keys.js';

/**
 * The bot's own ACS identity: created once through the Identity API and kept in Redis, so every
 * bot and worker process acts as the same user. Recreated if the backend no longer knows it.
 */
export async function ensureBotIdentity(redis: Redis, keys: RedisKeys, admin: AdminClient): Promise<string> {
  const known = await redis.get(keys.botIdentity);
  if (known) {
    try {
      await admin.issueToken(known, ['chat'], 60);
      return known;
    } catch (err) {
      if (!(err instanceof ChatApiError && err.status === 404)) throw err;
    }
  }
  const created = await admin.createUser();
  // Two processes starting together: the first one to store its id wins, the other adopts it.
  const won = await redis.set(keys.botIdentity, created, 'NX');
  if (won) return created;
  const winner = await redis.get(keys.botIdentity);
  if (winner === known) {
    await redis.set(keys.botIdentity, created);
    return created;
  }
  return winner ?? created;
}
