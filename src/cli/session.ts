import type { Redis } from 'ioredis';
import { BotAdmin, BotAdminError } from '../bot/bot-admin.js';
import { RedisKeys } from '../bot/redis-keys.js';
import { SettingsStore } from '../bot/settings-store.js';
import { AdminClient } from '../client/admin-client.js';
import { ChatApiError } from '../client/errors.js';
import type { Config } from '../config/load-config.js';
import { createLogger } from '../lib/logger.js';
import { createRedis, redisReady } from '../lib/redis.js';
import type { TlsTrust } from '../lib/tls-trust.js';
import { accessKeyFor, chatTrustFor, chatUrlFor } from '../runtime/endpoints.js';
import { engineFromConfig, languageSupportFromConfig } from '../runtime/provider.js';
import { cliRedisProblem } from './redis-problem.js';

/** What a one-shot CLI command gets to act as parley's trusted side. */
export interface CliSession {
  config: Config;
  redis: Redis;
  keys: RedisKeys;
  settings: SettingsStore;
  /** HMAC-signed Identity and admin API client, trusting parley's certificate. */
  admin: AdminClient;
  botAdmin: BotAdmin;
  /** The backend's URL as this machine reaches it. */
  chatUrl: string;
  tls?: TlsTrust;
}

/**
 * Runs `fn` with the configured Redis and chat backend (same environment as the server: it finds
 * the access key and certificate in PARLEY_DATA_DIR), then disconnects. Failures become plain
 * messages that say what to fix; connection failures already do (ChatConnectionError).
 */
export async function withSession<T>(config: Config, fn: (s: CliSession) => Promise<T>): Promise<T> {
  const redis = createRedis(config.redis.url, 'general', createLogger('silent'));
  const chatUrl = chatUrlFor(config);
  try {
    await redisReady(redis, 3000).catch(async () => {
      throw new Error(await cliRedisProblem(config.redis.url));
    });
    const tls = chatTrustFor(config);
    const admin = new AdminClient(chatUrl, accessKeyFor(config), { tls });
    const keys = new RedisKeys(config.redis.prefix);
    const settings = new SettingsStore(redis, keys);
    const botAdmin = new BotAdmin(settings, admin, redis, keys, config.bot.displayName, engineFromConfig(config), () => languageSupportFromConfig(config));
    return await fn({ config, redis, keys, settings, admin, botAdmin, chatUrl, tls });
  } catch (err) {
    if (err instanceof BotAdminError) throw new Error(err.message);
    if (err instanceof ChatApiError) {
      const hint = err.status === 401 ? ' (the access key differs from the server\'s: use its PARLEY_DATA_DIR or PARLEY_ACCESS_KEY)' : '';
      throw new Error(`the chat backend at ${chatUrl} answered ${err.status} ${err.code}: ${err.message}${hint}`);
    }
    throw err;
  } finally {
    redis.disconnect();
  }
}
