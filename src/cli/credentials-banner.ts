import type { Credentials } from '../runtime/credentials-file.js';

/**
 * The start-up banner's lines about secrets. The banner goes to stdout with the logs, which a
 * service manager or container runtime collects: there it names the owner-only file that holds
 * the secrets. Only on an interactive terminal, where a person reads it, does it show them.
 */
export function credentialLines(c: Credentials, file: string, out: { isTTY?: boolean }): string[] {
  const where = `  credentials:        ${file} (owner-only; \`npx parley credentials\` prints them)`;
  if (!out.isTTY) return [`  connection string:  in ${file}`, `  dashboard:          ${c.dashboardUrl}  (admin and read-only credentials in ${file})`, where];
  return [`  connection string:  ${c.connectionString}`, `  dashboard:          ${c.dashboardUrl}  (admin credential: ${c.admin}; read-only: ${c.read})`, where];
}
