import type { FastifyPluginAsync } from 'fastify';
import { invitePerson } from '../bot/invite.js';
import { ApiError } from '../chat/errors.js';
import type { Config } from '../config/load-config.js';
import { dashboardPlugin } from '../dashboard/dashboard-plugin.js';
import { readinessChecks } from '../dashboard/readiness.js';
import { createHttpFetch } from '../lib/http-fetch.js';
import type { Logger } from '../lib/logger.js';
import type { TlsTrust } from '../lib/tls-trust.js';
import type { Metrics } from '../metrics/metrics.js';
import type { BotHolder } from './bot-runtime.js';

/** The dashboard, `/metrics`, `/healthz` and `/readyz` for a process whose bot starts later. */
export function dashboardFor(opts: {
  holder: BotHolder;
  accessKey: string;
  chatUrl: () => string;
  logger: Logger;
  metrics: Metrics;
  config: Config;
  /** The chat store's state, when the backend is in this process. */
  store?: () => boolean;
  /** What the readiness probe trusts for an https backend (the bot's trust), read when probing. */
  tls?: () => TlsTrust | undefined;
}): FastifyPluginAsync {
  let probe: { tls: TlsTrust; fetch: typeof fetch } | undefined;
  const probeFetch = (): typeof fetch | undefined => {
    const tls = opts.tls?.();
    if (!tls) return undefined;
    if (probe?.tls !== tls) probe = { tls, fetch: createHttpFetch({ secureContext: tls.secureContext }) };
    return probe.fetch;
  };
  return dashboardPlugin({
    bot: () => opts.holder.bot,
    botAdmin: () => opts.holder.admin,
    accessKey: opts.accessKey,
    logger: opts.logger,
    metrics: opts.metrics,
    // The same link as `parley invite`: the web chat is served by the backend (or PARLEY_PUBLIC_URL).
    invite: (request) => {
      const bot = opts.holder.bot;
      if (!bot) throw new ApiError(503, 'BotStarting', 'The bot is still starting; try again in a moment.');
      const baseUrl = (opts.config.http.publicUrl ?? opts.chatUrl()).replace(/\/$/, '');
      return invitePerson({ admin: bot.admin, settings: bot.settings, languages: bot.languageSupport() }, { ...request, baseUrl });
    },
    readiness: () => readinessChecks({ bot: () => opts.holder.bot, chatUrl: opts.chatUrl(), store: opts.store, fetch: probeFetch() })(),
    dependencies: () => opts.holder.bot?.dependencies() ?? [],
  });
}
