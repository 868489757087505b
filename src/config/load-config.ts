import path from 'node:path';
import { envSchema } from './schema.js';

/** The validated, nested configuration every part of parley is built from. */
export interface Config {
  http: { host: string; port: number; publicUrl?: string };
  tls: { mode: 'off' | 'self-signed' | 'files'; certFile?: string; keyFile?: string };
  /** Base64 resource access key; generated and kept in the data directory when unset. */
  accessKey?: string;
  dataDir: string;
  rateLimits: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** Thrown when the environment holds bad values; `problems` names every bad variable. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once into a typed {@link Config}; throws {@link ConfigError} listing each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined>): Config {
  // Blank counts as unset for every variable (the schema's contract), so `FOO=` means the default.
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = envSchema.safeParse(set);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.');
      const value = env[name];
      // Never echo secrets back.
      const shown = value === undefined || /KEY|SECRET|TOKEN/.test(name) ? '' : ` (got ${JSON.stringify(value)})`;
      return `${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (Boolean(e.PARLEY_TLS_CERT) !== Boolean(e.PARLEY_TLS_KEY)) {
    problems.push('PARLEY_TLS_CERT and PARLEY_TLS_KEY must be set together');
  }
  if (e.PARLEY_TLS_CERT && e.PARLEY_TLS === 'self-signed') {
    problems.push('PARLEY_TLS=self-signed cannot be combined with PARLEY_TLS_CERT/PARLEY_TLS_KEY');
  }
  if (problems.length) throw new ConfigError(problems);

  return {
    http: { host: e.PARLEY_HOST, port: e.PARLEY_PORT, publicUrl: e.PARLEY_PUBLIC_URL },
    tls: e.PARLEY_TLS_CERT
      ? { mode: 'files', certFile: e.PARLEY_TLS_CERT, keyFile: e.PARLEY_TLS_KEY }
      : { mode: e.PARLEY_TLS },
    accessKey: e.PARLEY_ACCESS_KEY,
    dataDir: path.resolve(e.PARLEY_DATA_DIR),
    rateLimits: e.PARLEY_RATE_LIMITS === 'on',
    logLevel: e.PARLEY_LOG_LEVEL,
  };
}
