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
  const backend = await new ChatBackend({
    config,
    logger,
    metrics,
    plugins: [
      (ctx) => botAdminRoutes(ctx, () => holder.admin),
      (ctx) => dashboardFor({ holder, accessKey: ctx.accessKey, chatUrl: () => chatUrl, logger, metrics, config, store: () => !ctx.chat.writeFailure, tls: () => trust }),
    ],
  }).start();
  chatUrl = backend.url;
  // Read after start(): with PARLEY_TLS=self-signed the certificate the bot must trust is made there.
  trust = chatTrustFor(config);
  const bot = await startBot(config, logger, { chatUrl: backend.url, accessKey: backend.accessKey, tls: trust, redisUrl: redis.url, listen: true, work: true }, holder);
  metrics.attachBot(bot);
  const out = process.stdout;
  const creds = credentialsFor(backend.url, backend.accessKey);
  const credsFile = writeCredentialsFile(config.dataDir, creds);
  const [connectionLine, dashboardLine, credentialsLine] = credentialLines(creds, credsFile, out);
  out.write(`parley is up\n`);
  out.write(`  chat API (ACS):     ${backend.url}\n`);
  out.write(`${connectionLine}\n`);
  out.write(`  notifications:      ${backend.url.replace(/^http/, 'ws')}/notifications\n`);
  out.write(`  redis:              ${redis.child ? `private redis-server (AOF) in ${config.dataDir}/redis` : 'external'} ${new URL(redis.url).host}\n`);
  out.write(`  bot:                ${bot.botId} (${config.bot.displayName})\n`);
  out.write(`${dashboardLine}\n${credentialsLine}\n`);
  out.write(`  metrics, health:    ${backend.url}/metrics (Bearer <read-only credential>)  ${backend.url}/healthz  ${backend.url}/readyz\n`);
  if (backend.certFile && config.tls.mode === 'self-signed') {
    out.write(`  TLS: development certificate ${backend.certFile}; parley's CLI trusts it by itself (same PARLEY_DATA_DIR), your own Node apps with NODE_EXTRA_CA_CERTS=${backend.certFile}\n`);
  }
  if (config.tls.mode === 'off') out.write('  TLS is off: the official SDKs refuse bearer tokens over http; set PARLEY_TLS=self-signed.\n');
  out.write(`Add the bot to a thread: npx parley bot add <threadId> --languages es,fr\n`);
  // The bot drains first: its workers post through the backend, which must still be listening.
  onShutdown(logger, [() => bot.close(), () => backend.close(), () => redis.stop()]);
}
