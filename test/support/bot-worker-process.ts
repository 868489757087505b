/**
 * Test-only entry: what `parley worker` runs (config from the same environment variables, the bot
 * from `startBot` with workers only), minus its HTTP port, plus short BullMQ lock and stalled
 * intervals so a SIGKILLed worker's jobs are recovered in seconds instead of the production 30 s.
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

/** Lock held by a worker; a dead worker's job is free again this long after its last renewal. */
const TEST_LOCK_MS = 2500;
/** How often workers look for jobs whose lock expired. */
const TEST_STALLED_INTERVAL_MS = 1000;

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
    workerOptions: { lockDuration: TEST_LOCK_MS, stalledInterval: TEST_STALLED_INTERVAL_MS },
  },
  {},
);
process.stdout.write(`ready ${bot.botId}\n`);
onShutdown(logger, [() => bot.close()]);
