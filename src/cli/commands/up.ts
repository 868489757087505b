import { botAdminRoutes } from '../../bot/http/bot-admin-routes.js';
import { ChatBackend } from '../../chat/chat-backend.js';
import type { Config } from '../../config/load-config.js';
import type { TlsTrust } from '../../lib/tls-trust.js';
import { createLogger } from '../../lib/logger.js';
import { Metrics } from '../../metrics/metrics.js';
import { startBot, type BotHolder } from '../../runtime/bot-runtime.js';
import { credentialsFor, writeCredentialsFile } from '../../runtime/credentials-file.js';
import { dashboardFor } from '../../runtime/dashboard-mount.js';
import { chatTrustFor } from '../../runtime/endpoints.js';
import { ensureRedis } from '../../runtime/redis-supervisor.js';
import { credentialLines } from '../credentials-banner.js';
import { onShutdown } from '../shutdown.js';

/**
 * `parley up` (= `npm start`): chat backend, bot listener and workers in one process, on the local
 * Redis (a private one is started when none answers). The bot still talks to the backend over
 * HTTP and WebSocket like any client.
 */
export async function upCommand(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel, { format: config.logFormat });
  const redis = await ensureRedis({ url: config.redis.url, manage: config.redis.manage, dataDir: config.dataDir, logger });
  const holder: BotHolder = {};
  const metrics = new Metrics();
  let chatUrl = '';
  let trust: TlsTrust | undefined;
  // A backend that cannot start (its port taken) must not leave the private redis-server behind.
  const backend = await new ChatBackend({
    config,
    logger,
    metrics,
    plugins: [
      (ctx) => botAdminRoutes(ctx, () => holder.admin),
      (ctx) => dashboardFor({ holder, accessKey: ctx.accessKey, chatUrl: () => chatUrl, logger, metrics, config, store: () => !ctx.chat.writeFailure, tls: () => trust }),
    ],
  })
    .start()
    .catch(async (err: unknown) => {
      await redis.stop();
      throw err;
    });
  chatUrl = backend.url;
  // Read after start(): with PARLEY_TLS=self-signed the certificate the bot must trust is made there.
  trust = chatTrustFor(config);
  const bot = await startBot(config, logger, { chatUrl: backend.url, accessKey: backend.accessKey, tls: trust, redisUrl: redis.url, listen: true, work: true }, holder);
  metrics.attachBot(bot);
  const creds = credentialsFor(backend.url, backend.accessKey);
  const credsFile = writeCredentialsFile(config.dataDir, creds, { keyFromEnvironment: Boolean(config.accessKey) });
  const [connectionLine, dashboardLine, credentialsLine] = credentialLines(creds, credsFile, process.stdout);
  const lines = [
    'parley is up',
    `  chat API (ACS):     ${backend.url}`,
    connectionLine,
    `  notifications:      ${backend.url.replace(/^http/, 'ws')}/notifications`,
    `  redis:              ${redis.child ? `private redis-server (AOF) in ${config.dataDir}/redis` : 'external'} ${new URL(redis.url).host}`,
    `  bot:                ${bot.botId} (${config.bot.displayName})`,
    `  model:              ${bot.modelSummary()}`,
    dashboardLine,
    credentialsLine,
    `  metrics, health:    ${backend.url}/metrics (Bearer <read-only credential>)  ${backend.url}/healthz  ${backend.url}/readyz`,
  ];
  if (backend.certFile && config.tls.mode === 'self-signed') {
    lines.push(`  TLS: development certificate ${backend.certFile}; parley's CLI trusts it by itself (same PARLEY_DATA_DIR), your own Node apps with NODE_EXTRA_CA_CERTS=${backend.certFile}`);
  }
  if (config.tls.mode === 'off') lines.push('  TLS is off: the official SDKs refuse bearer tokens over http; set PARLEY_TLS=self-signed.');
  lines.push('See it work: npx parley demo (in another terminal, same environment) prints two links to open side by side.');
  lines.push('Add the bot to a thread: npx parley bot add <threadId> --languages es,fr');
  // One write: whoever reads the banner (a terminal, a log shipper, a test) gets it whole.
  process.stdout.write(`${lines.join('\n')}\n`);
  // The bot drains first: its workers post through the backend, which must still be listening.
  onShutdown(logger, [() => bot.close(), () => backend.close(), () => redis.stop()]);
}
