import { BotAdmin } from '../bot/bot-admin.js';
import { Bot, type BotOptions } from '../bot/bot.js';
import type { Config } from '../config/load-config.js';
import type { Logger } from '../lib/logger.js';
import type { TlsTrust } from '../lib/tls-trust.js';
import { TextWorkPool } from '../bot/text-work/text-work.js';
import { engineFromConfig, providerFromConfig } from './provider.js';

/** What the HTTP plugins (bot admin, dashboard) read; filled once the bot has started. */
export interface BotHolder {
  bot?: Bot;
  admin?: BotAdmin;
}

/** Starts the bot from the configuration: listener and/or workers, the configured provider. */
export async function startBot(
  config: Config,
  logger: Logger,
  opts: {
    chatUrl: string;
    accessKey: string;
    /** Certificates the bot trusts for the backend beside Node's CAs (see `chatTrustFor`). */
    tls?: TlsTrust;
    redisUrl: string;
    listen: boolean;
    work: boolean;
    /** BullMQ worker overrides; not configurable from the environment (tests shorten lock times). */
    workerOptions?: BotOptions['workerOptions'];
  },
  holder: BotHolder,
): Promise<Bot> {
  // The bot's text work (detection, placeholders, offline analysers) runs on worker threads, each
  // message within a time budget: in `npm start` this process also serves the chat API.
  const text = new TextWorkPool({ threads: config.bot.textThreads, budgetMs: config.bot.textBudgetMs });
  text.warm();
  const bot = await new Bot({
    chatUrl: opts.chatUrl,
    accessKey: opts.accessKey,
    tls: opts.tls,
    redisUrl: opts.redisUrl,
    prefix: config.redis.prefix,
    provider: providerFromConfig(config, logger, text),
    text,
    logger,
    listen: opts.listen,
    work: opts.work,
    events: config.bot.events,
    displayName: config.bot.displayName,
    concurrency: config.bot.concurrency,
    rateLimitPerSecond: config.bot.rateLimitPerSecond,
    attempts: config.bot.attempts,
    detectThreshold: config.bot.detectThreshold,
    lockMs: config.bot.lockMs,
    stalledCheckMs: config.bot.stalledCheckMs,
    reconcileMs: config.bot.reconcileMs,
    holdDeadlineMs: config.bot.holdDeadlineMs,
    workerOptions: opts.workerOptions,
  }).start();
  holder.bot = bot;
  holder.admin = new BotAdmin(bot.settings, bot.admin, bot.redis, bot.keys, config.bot.displayName, engineFromConfig(config), () => bot.languageSupport());
  return bot;
}
