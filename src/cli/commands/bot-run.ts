import type { Config } from '../../config/load-config.js';
import { botAdminRoutes } from '../../bot/http/bot-admin-routes.js';
import { eventGridIntakeRoutes } from '../../bot/http/event-grid-intake.js';
import { createBaseApp } from '../../chat/http/app.js';
import { listenOrExplain } from '../../lib/listen.js';
import { createLogger } from '../../lib/logger.js';
import { Metrics } from '../../metrics/metrics.js';
import { dashboardFor } from '../../runtime/dashboard-mount.js';
import { startBot, type BotHolder } from '../../runtime/bot-runtime.js';
import { accessKeyFor, chatTrustFor, chatUrlFor } from '../../runtime/endpoints.js';
import { requireRedis } from '../../runtime/redis-supervisor.js';
import { onShutdown } from '../shutdown.js';

/**
 * `parley bot run` (listener + workers) and `parley worker` (workers only), for scaling out: each
 * talks to the backend at PARLEY_CHAT_URL and shares REDIS_URL. `parley bot run` also serves the
 * bot admin API on PARLEY_BOT_PORT, and with PARLEY_BOT_EVENTS=webhook the Event Grid receiver `/bot/events`.
 */
export async function botRunCommand(config: Config, role: 'bot' | 'worker'): Promise<void> {
  const logger = createLogger(config.logLevel, { format: config.logFormat });
  const chatUrl = chatUrlFor(config);
  const accessKey = accessKeyFor(config);
  const tls = chatTrustFor(config);
  const holder: BotHolder = {};
  const metrics = new Metrics();
  const app = createBaseApp({ logger, metrics });
  const ctx = { accessKey, clock: Date.now };
  void app.register(dashboardFor({ holder, accessKey, chatUrl: () => chatUrl, logger, metrics, config, tls: () => tls }));
  const webhooks = role === 'bot' && config.bot.events === 'webhook';
  if (role === 'bot') void app.register(botAdminRoutes(ctx, () => holder.admin));
  // Only in webhook mode: in WebSocket mode /bot/events does not exist (404), so nobody can feed
  // the bot events. The config refuses webhook mode without a secret; the route refuses it too.
  if (webhooks) {
    void app.register(
      eventGridIntakeRoutes({
        secret: config.bot.webhookSecret ?? '',
        bot: () => {
          const bot = holder.bot;
          const listener = bot?.listener;
          return bot && listener ? { botId: bot.botId, client: bot.client, handle: (frame) => listener.handle(frame) } : undefined;
        },
      }),
    );
  }
  await listenOrExplain(app, { host: config.http.host, port: config.bot.port, portVariable: 'PARLEY_BOT_PORT' });
  await requireRedis(config.redis.url);
  const bot = await startBot(config, logger, { chatUrl, accessKey, tls, redisUrl: config.redis.url, listen: role === 'bot', work: true }, holder);
  metrics.attachBot(bot);
  process.stdout.write(`parley ${role} running: backend ${chatUrl}, redis ${new URL(config.redis.url).host}, bot ${bot.botId}\n`);
  process.stdout.write(`  model: ${bot.modelSummary()}\n`);
  const address = app.server.address();
  if (address && typeof address === 'object') {
    process.stdout.write(`  http: http://${config.http.host}:${address.port} (dashboard, /metrics, /healthz, /readyz${role === 'bot' ? ', admin API' : ''}${webhooks ? ', /bot/events' : ''})\n`);
  }
  onShutdown(logger, [() => bot.close(), () => app.close()]);
}
