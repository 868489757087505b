import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { privateDir, privateFiles } from '../lib/private-files.js';

/** Bytes of a generated key, and the fewest a stored one may have (as the config requires). */
const KEY_BYTES = 32;

/** The configured access key, or one generated once and kept (0600) in the data directory. */
export function resolveAccessKey(dataDir: string, configured?: string): { key: string; generated: boolean } {
  if (configured) return { key: configured, generated: false };
  const file = path.join(dataDir, 'access-key');
  if (fs.existsSync(file)) {
    privateFiles(file);
    const key = fs.readFileSync(file, 'utf8').trim();
    // An empty or truncated file would sign every token and HMAC with a weak key: refuse to start.
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || Buffer.from(key, 'base64').length < KEY_BYTES) {
      throw new Error(`${file} does not hold a base64 key of at least ${KEY_BYTES} bytes; restore it or set PARLEY_ACCESS_KEY`);
    }
    return { key, generated: false };
  }
  privateDir(dataDir);
  const key = randomBytes(KEY_BYTES).toString('base64');
  // Written whole or not at all, so a crash cannot leave an empty key file behind.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${key}\n`, { mode: 0o600, flush: true });
  fs.renameSync(tmp, file);
  return { key, generated: true };
}

export const connectionString = (endpoint: string, accessKey: string): string =>
  `endpoint=${endpoint.replace(/\/?$/, '/')};accesskey=${accessKey}`;
