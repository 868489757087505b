import fs from 'node:fs';
import path from 'node:path';
import { connectionString } from '../chat/access-key.js';
import { dashboardCredentials } from '../dashboard/credentials.js';
import { PRIVATE_FILE_MODE, privateDir } from '../lib/private-files.js';

/** What a person needs to connect apps and sign in to the dashboard: all of it secret. */
export interface Credentials {
  /** `endpoint=…;accesskey=…`, for `@azure/communication-identity`. */
  connectionString: string;
  dashboardUrl: string;
  /** Dashboard credential that can act. */
  admin: string;
  /** Dashboard credential that can only look (also for `/metrics` scrapers). */
  read: string;
}

/** The file in the data directory that holds them, readable by its owner only. */
export const credentialsPath = (dataDir: string): string => path.join(dataDir, 'credentials');

/** The credentials of a backend at `endpoint` with `accessKey`. */
export function credentialsFor(endpoint: string, accessKey: string, dashboardBase = endpoint): Credentials {
  const creds = dashboardCredentials(accessKey);
  return { connectionString: connectionString(endpoint, accessKey), dashboardUrl: `${dashboardBase.replace(/\/$/, '')}/dashboard`, admin: creds.admin, read: creds.read };
}

/** The credentials as the lines `parley credentials` prints and the file holds. */
export function formatCredentials(c: Credentials): string {
  return [
    `connection string:              ${c.connectionString}`,
    `dashboard:                      ${c.dashboardUrl}`,
    `dashboard admin credential:     ${c.admin}`,
    `dashboard read-only credential: ${c.read}`,
  ].join('\n');
}

/**
 * Writes the credentials to `<dataDir>/credentials`, owner-only (0600, replaced whole), and returns
 * its path: the start-up banner points there instead of printing secrets into collected logs.
 * With `keyFromEnvironment` (PARLEY_ACCESS_KEY is set, so the key is kept elsewhere, say a secret
 * store) the file does not put the key on disk: the connection string names the variable instead.
 */
export function writeCredentialsFile(dataDir: string, c: Credentials, { keyFromEnvironment = false }: { keyFromEnvironment?: boolean } = {}): string {
  privateDir(dataDir);
  const file = credentialsPath(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  const header = '# parley credentials: secret, readable by this user only. Print them with `npx parley credentials`.\n';
  const shown = keyFromEnvironment ? { ...c, connectionString: `${c.connectionString.replace(/accesskey=.*$/, 'accesskey=')}<the value of PARLEY_ACCESS_KEY>` } : c;
  fs.writeFileSync(tmp, `${header}${formatCredentials(shown)}\n`, { mode: PRIVATE_FILE_MODE });
  fs.renameSync(tmp, file);
  return file;
}
