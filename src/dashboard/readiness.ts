import type { Bot } from '../bot/bot.js';

export interface ReadinessOptions {
  /** The bot, once started. */
  bot: () => Bot | undefined;
  /** The chat backend's base URL; any HTTP answer counts as reachable. */
  chatUrl: string;
  /** Per check. @defaultValue 2000 */
  timeoutMs?: number;
  /** @defaultValue global fetch */
  fetch?: typeof fetch;
  /** In the all-in-one process: whether the chat store still takes writes (false after a failed fsync). */
  store?: () => boolean;
}

const within = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

/**
 * The usual `/readyz` checks for {@link DashboardDeps.readiness}: `redis` (PING answers), `backend`
 * (the chat backend answers HTTP at all), `bot` (started; its WebSocket connected when it listens;
 * its worker running when it works), and `store` where the backend runs in the same process.
 */
export function readinessChecks(o: ReadinessOptions): () => Promise<Record<string, boolean>> {
  const ms = o.timeoutMs ?? 2000;
  const doFetch = o.fetch ?? fetch;
  return async () => {
    const bot = o.bot();
    const [redis, backend] = await Promise.all([
      bot ? within(bot.redis.ping(), ms).then((r) => r === 'PONG', () => false) : Promise.resolve(false),
      doFetch(o.chatUrl, { method: 'GET', signal: AbortSignal.timeout(ms) }).then(
        async (res) => (await res.arrayBuffer(), true),
        () => false,
      ),
    ]);
    const connected = !!bot && (bot.connection ? bot.connection.connected : true) && (bot.worker ? bot.worker.isRunning() : true);
    return { redis, backend, bot: connected, ...(o.store ? { store: o.store() } : {}) };
  };
}
