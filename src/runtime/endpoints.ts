import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/load-config.js';
import { tlsTrust, type TlsTrust } from '../lib/tls-trust.js';

/** The chat backend's URL as seen by the bot and the CLI: PARLEY_CHAT_URL, else this machine's backend. */
export function chatUrlFor(config: Config): string {
  if (config.bot.chatUrl) return config.bot.chatUrl.replace(/\/$/, '');
  if (config.http.publicUrl) return config.http.publicUrl.replace(/\/$/, '');
  const host = ['0.0.0.0', '::'].includes(config.http.host) ? '127.0.0.1' : config.http.host;
  return `${config.tls.mode === 'off' ? 'http' : 'https'}://${host.includes(':') ? `[${host}]` : host}:${config.http.port}`;
}

/**
 * The base of links a person opens in a browser (invites): PARLEY_PUBLIC_URL when set, else the
 * backend's URL as this machine reaches it.
 */
export function linkBaseFor(config: Config): string {
  return (config.http.publicUrl ?? chatUrlFor(config)).replace(/\/$/, '');
}

/** Where `PARLEY_TLS=self-signed` keeps the development certificate (see ChatBackend). */
export function selfSignedCertFile(config: Config): string {
  return path.join(config.dataDir, 'tls', 'cert.pem');
}

/**
 * What parley's own clients (the bot, the CLI) trust for the chat backend beside Node's CAs:
 * `PARLEY_TLS_CERT`, the self-signed certificate in `PARLEY_DATA_DIR` once the server has made it,
 * and `NODE_EXTRA_CA_CERTS`. Given to the clients explicitly, so nothing depends on how the process
 * was started. `undefined` when there is none of them: Node's default trust.
 */
export function chatTrustFor(config: Config): TlsTrust | undefined {
  const files: Record<string, string> = {};
  if (config.tls.certFile) files[path.resolve(config.tls.certFile)] = 'PARLEY_TLS_CERT';
  files[selfSignedCertFile(config)] = 'the PARLEY_TLS=self-signed certificate in PARLEY_DATA_DIR';
  if (config.tls.extraCaFile) files[path.resolve(config.tls.extraCaFile)] ??= 'NODE_EXTRA_CA_CERTS';
  return tlsTrust(files);
}

/** PARLEY_ACCESS_KEY, else the key the backend generated in the data directory. */
export function accessKeyFor(config: Config): string {
  if (config.accessKey) return config.accessKey;
  const file = path.join(config.dataDir, 'access-key');
  if (!fs.existsSync(file)) {
    throw new Error(
      `No access key: PARLEY_DATA_DIR=${config.dataDir} has no access-key. Run this with the server's PARLEY_DATA_DIR (start parley first: npm start), or set PARLEY_ACCESS_KEY.`,
    );
  }
  return fs.readFileSync(file, 'utf8').trim();
}
