import type { Config } from '../../config/load-config.js';
import { credentialsFor, formatCredentials, type Credentials } from '../../runtime/credentials-file.js';
import { accessKeyFor, chatUrlFor } from '../../runtime/endpoints.js';

/** Where the dashboard is: the backend's port with `npm start`, PARLEY_BOT_PORT next to a separate backend. */
function dashboardBase(config: Config, chatUrl: string): string {
  if (!config.bot.chatUrl) return chatUrl;
  const host = ['0.0.0.0', '::'].includes(config.http.host) ? '127.0.0.1' : config.http.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.bot.port}`;
}

/**
 * `parley credentials`: the connection string and the dashboard credentials, on demand, from the
 * same configuration as the server (PARLEY_ACCESS_KEY or the key in PARLEY_DATA_DIR).
 */
export function credentialsCommand(config: Config, opts: { json?: boolean } = {}): Credentials {
  const chatUrl = chatUrlFor(config);
  const creds = credentialsFor(chatUrl, accessKeyFor(config), dashboardBase(config, chatUrl));
  process.stdout.write(opts.json ? `${JSON.stringify(creds, null, 2)}\n` : `${formatCredentials(creds)}\n`);
  return creds;
}
