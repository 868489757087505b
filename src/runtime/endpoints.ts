import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/load-config.js';

/** The chat backend's URL as seen by the bot and the CLI: PARLEY_CHAT_URL, else this machine's backend. */
export function chatUrlFor(config: Config): string {
  if (config.bot.chatUrl) return config.bot.chatUrl.replace(/\/$/, '');
  if (config.http.publicUrl) return config.http.publicUrl.replace(/\/$/, '');
  const host = ['0.0.0.0', '::'].includes(config.http.host) ? '127.0.0.1' : config.http.host;
  return `${config.tls.mode === 'off' ? 'http' : 'https'}://${host.includes(':') ? `[${host}]` : host}:${config.http.port}`;
}

/** PARLEY_ACCESS_KEY, else the key the backend generated in the data directory. */
export function accessKeyFor(config: Config): string {
  if (config.accessKey) return config.accessKey;
  const file = path.join(config.dataDir, 'access-key');
  if (!fs.existsSync(file)) {
    throw new Error(
      `No access key: set PARLEY_ACCESS_KEY, or run this where the backend keeps its data (PARLEY_DATA_DIR=${config.dataDir} has no access-key).`,
    );
  }
  return fs.readFileSync(file, 'utf8').trim();
}
