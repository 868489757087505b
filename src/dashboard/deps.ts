import type { BotAdmin } from '../bot/bot-admin.js';
import type { Bot } from '../bot/bot.js';
import { ApiError } from '../chat/errors.js';
import type { DependencyStatus } from '../lib/dependency.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../metrics/metrics.js';

/** Who to invite into which thread, reading which languages (ISO 639-1 codes). */
export interface InviteInput {
  threadId: string;
  name: string;
  reads: string[];
}

/** What the dashboard plugin needs; the bot accessors return undefined until the bot has started. */
export interface DashboardDeps {
  bot: () => Bot | undefined;
  botAdmin: () => BotAdmin | undefined;
  /** The resource access key the dashboard credentials are derived from. */
  accessKey: string;
  logger: Logger;
  metrics: Metrics;
  /** Named readiness checks for `/readyz` (Redis, the backend, the bot connected…). */
  readiness: () => Promise<Record<string, boolean>>;
  /**
   * Lets a person into a thread (identity, participant, reader languages, token) and returns the
   * web chat link `parley invite` prints; absent, the dashboard cannot invite (501).
   */
  invite?: (request: InviteInput) => Promise<{ link: string; name: string; userId: string }>;
  /** The chat backend's and the model's state (up / down since …), shown by `/readyz` and the dashboard. */
  dependencies?: () => DependencyStatus[];
  /** How long a login lasts. @defaultValue 12 hours */
  sessionTtlMs?: number;
  /** Poll interval of the page (ms). @defaultValue 2000 */
  pollMs?: number;
}

/** The started bot, or 503 while it is still starting. */
export function requireBot(deps: DashboardDeps): Bot {
  const bot = deps.bot();
  if (!bot?.queue) throw new ApiError(503, 'BotStarting', 'The bot is still starting; try again in a moment.');
  deps.metrics.attachBot(bot);
  return bot;
}

/** The bot admin, or 503 while the bot is still starting. */
export function requireBotAdmin(deps: DashboardDeps): BotAdmin {
  const admin = deps.botAdmin();
  if (!admin) throw new ApiError(503, 'BotStarting', 'The bot is still starting; try again in a moment.');
  return admin;
}
