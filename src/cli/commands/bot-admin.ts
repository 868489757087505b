import { BotAdmin, BotAdminError, type ThreadConfig } from '../../bot/bot-admin.js';
import { RedisKeys } from '../../bot/redis-keys.js';
import type { ThreadSettings } from '../../bot/settings-store.js';
import { SettingsStore } from '../../bot/settings-store.js';
import { AdminClient } from '../../client/admin-client.js';
import { ChatApiError } from '../../client/errors.js';
import type { Config } from '../../config/load-config.js';
import { createLogger } from '../../lib/logger.js';
import { createRedis, redisReady } from '../../lib/redis.js';
import { accessKeyFor, chatTrustFor, chatUrlFor } from '../../runtime/endpoints.js';

/** Runs `fn` with a BotAdmin on the configured Redis and backend; turns failures into plain messages. */
async function withBotAdmin<T>(config: Config, fn: (admin: BotAdmin) => Promise<T>): Promise<T> {
  const logger = createLogger('silent');
  const redis = createRedis(config.redis.url, 'general', logger);
  try {
    await redisReady(redis, 3000).catch(() => {
      throw new Error(`cannot reach Redis at ${new URL(config.redis.url).host} (REDIS_URL); is parley running?`);
    });
    const admin = new AdminClient(chatUrlFor(config), accessKeyFor(config), { tls: chatTrustFor(config) });
    const keys = new RedisKeys(config.redis.prefix);
    return await fn(new BotAdmin(new SettingsStore(redis, keys), admin, redis, keys, config.bot.displayName));
  } catch (err) {
    if (err instanceof BotAdminError) throw new Error(err.message);
    if (err instanceof ChatApiError) throw new Error(`the chat backend at ${chatUrlFor(config)} answered ${err.status} ${err.code}: ${err.message}`);
    throw err;
  } finally {
    redis.disconnect();
  }
}

export const describeSettings = (s: ThreadSettings): string =>
  `${s.threadId}  languages=${s.languages.join(',') || '-'}  mode=${s.mode}  analysis=${s.analysis}  ${s.enabled ? 'on' : 'off'}`;

export function parseConfigFlags(opts: { languages?: string; mode?: string; analysis?: string; on?: boolean; off?: boolean }): ThreadConfig {
  if (opts.on && opts.off) throw new Error('--on and --off cannot be used together');
  return {
    ...(opts.languages !== undefined ? { languages: opts.languages.split(',').map((l) => l.trim()).filter(Boolean) } : {}),
    ...(opts.mode ? { mode: opts.mode as ThreadConfig['mode'] } : {}),
    ...(opts.analysis ? { analysis: opts.analysis as ThreadConfig['analysis'] } : {}),
    ...(opts.on ? { enabled: true } : opts.off ? { enabled: false } : {}),
  };
}

export async function botAdd(config: Config, threadId: string, flags: Parameters<typeof parseConfigFlags>[0]): Promise<void> {
  const s = await withBotAdmin(config, (a) => a.add(threadId, parseConfigFlags(flags)));
  process.stdout.write(`added the bot: ${describeSettings(s)}\n`);
}

export async function botConfig(config: Config, threadId: string, flags: Parameters<typeof parseConfigFlags>[0]): Promise<void> {
  const s = await withBotAdmin(config, (a) => a.configure(threadId, parseConfigFlags(flags)));
  process.stdout.write(`updated: ${describeSettings(s)}\n`);
}

export async function botRemove(config: Config, threadId: string): Promise<void> {
  await withBotAdmin(config, (a) => a.remove(threadId));
  process.stdout.write(`removed the bot from ${threadId}\n`);
}

export async function botList(config: Config): Promise<void> {
  const all = await withBotAdmin(config, (a) => a.list());
  process.stdout.write(all.length ? `${all.map(describeSettings).join('\n')}\n` : 'the bot is in no thread yet\n');
}
