/**
 * Test-only entry: what `parley worker` runs (config from the same environment variables, the bot
 * from `startBot` with workers only), minus its HTTP port. Lock and stalled-check intervals come
 * from the environment like in production (`PARLEY_BOT_LOCK_MS`, `PARLEY_BOT_STALLED_CHECK_MS`).
 *
 *   node --import tsx test/support/bot-worker-process.ts
 *
 * Prints `ready <botId>` once its workers run; SIGTERM/SIGINT stop it gracefully.
 */
import { onShutdown } from '../../src/cli/shutdown.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/lib/logger.js';
import { startBot } from '../../src/runtime/bot-runtime.js';
import { accessKeyFor, chatUrlFor } from '../../src/runtime/endpoints.js';

const config = loadConfig(process.env);
const logger = createLogger(config.logLevel);
const bot = await startBot(
  config,
  logger,
  {
    chatUrl: chatUrlFor(config),
    accessKey: accessKeyFor(config),
    redisUrl: config.redis.url,
    listen: false,
    work: true,
  },
  {},
);
process.stdout.write(`ready ${bot.botId}\n`);
onShutdown(logger, [() => bot.close()]);
