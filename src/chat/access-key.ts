import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The configured access key, or one generated once and kept (0600) in the data directory. */
export function resolveAccessKey(dataDir: string, configured?: string): { key: string; generated: boolean } {
  if (configured) return { key: configured, generated: false };
  const file = path.join(dataDir, 'access-key');
  if (fs.existsSync(file)) return { key: fs.readFileSync(file, 'utf8').trim(), generated: false };
  fs.mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64');
  fs.writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return { key, generated: true };
}

export const connectionString = (endpoint: string, accessKey: string): string =>
  `endpoint=${endpoint.replace(/\/?$/, '/')};accesskey=${accessKey}`;
