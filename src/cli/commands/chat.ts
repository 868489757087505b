import type { Config } from '../../config/load-config.js';
import { ChatBackend } from '../../chat/chat-backend.js';
import { createLogger } from '../../lib/logger.js';
import { onShutdown } from '../shutdown.js';

/** `parley chat`: the chat backend alone. */
export async function chatCommand(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel);
  const backend = await new ChatBackend({ config, logger }).start();
  const out = process.stdout;
  out.write(`parley chat backend listening on ${backend.url}\n`);
  out.write(`${backend.connectionString}\n`);
  if (backend.certFile && config.tls.mode === 'self-signed') {
    out.write(`TLS: self-signed development certificate. Trust it with NODE_EXTRA_CA_CERTS=${backend.certFile}\n`);
  } else if (config.tls.mode === 'off') {
    out.write('TLS is off: the official SDKs refuse bearer tokens over http. Set PARLEY_TLS=self-signed for local HTTPS.\n');
  }
  onShutdown(logger, [() => backend.close()]);
}
