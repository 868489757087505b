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
 */
export function writeCredentialsFile(dataDir: string, c: Credentials): string {
  privateDir(dataDir);
  const file = credentialsPath(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  const header = '# parley credentials: secret, readable by this user only. Print them with `npx parley credentials`.\n';
  fs.writeFileSync(tmp, `${header}${formatCredentials(c)}\n`, { mode: PRIVATE_FILE_MODE });
  fs.renameSync(tmp, file);
  return file;
}
