import type { Config } from '../../config/load-config.js';
import { ChatBackend } from '../../chat/chat-backend.js';
import { createLogger } from '../../lib/logger.js';
import { credentialsFor, writeCredentialsFile } from '../../runtime/credentials-file.js';
import { credentialLines } from '../credentials-banner.js';
import { onShutdown } from '../shutdown.js';

/** `parley chat`: the chat backend alone. */
export async function chatCommand(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel, { format: config.logFormat });
  const backend = await new ChatBackend({ config, logger }).start();
  const out = process.stdout;
  out.write(`parley chat backend listening on ${backend.url}\n`);
  // Alone, the backend has no dashboard: `parley bot run` serves it on PARLEY_BOT_PORT.
  const botUrl = new URL(backend.url);
  botUrl.protocol = 'http:';
  botUrl.port = String(config.bot.port);
  const creds = credentialsFor(backend.url, backend.accessKey, botUrl.origin);
  const [connectionLine, , credentialsLine] = credentialLines(creds, writeCredentialsFile(config.dataDir, creds, { keyFromEnvironment: Boolean(config.accessKey) }), out);
  out.write(`${connectionLine}\n${credentialsLine}\n`);
  if (backend.certFile && config.tls.mode === 'self-signed') {
    out.write(`TLS: self-signed development certificate. Trust it with NODE_EXTRA_CA_CERTS=${backend.certFile}\n`);
  } else if (config.tls.mode === 'off') {
    out.write('TLS is off: the official SDKs refuse bearer tokens over http. Set PARLEY_TLS=self-signed for local HTTPS.\n');
  }
  onShutdown(logger, [() => backend.close()]);
}
