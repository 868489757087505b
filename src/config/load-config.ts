import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { envSchema } from './schema.js';

/** `prompts/` of the installed package, whatever the working directory. */
const PACKAGE_PROMPTS_DIR = fileURLToPath(new URL('../../prompts', import.meta.url));

/** The validated, nested configuration every part of parley is built from. */
export interface Config {
  http: { host: string; port: number; publicUrl?: string };
  tls: {
    mode: 'off' | 'self-signed' | 'files';
    certFile?: string;
    keyFile?: string;
    /** `NODE_EXTRA_CA_CERTS`: kept in the trust parley's own clients use for the chat backend. */
    extraCaFile?: string;
  };
  /** Base64 resource access key; generated and kept in the data directory when unset. */
  accessKey?: string;
  dataDir: string;
  rateLimits: boolean;
  /** The `/notifications` WebSocket endpoint. */
  realtime: {
    /** Open connections one identity may hold; the next one is closed with 4029. */
    maxConnectionsPerUser: number;
  };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `auto`: readable lines on a terminal, JSON lines otherwise. */
  logFormat: 'auto' | 'pretty' | 'json';
  redis: {
    url: string;
    /** Key prefix of every parley key and BullMQ queue. */
    prefix: string;
    /** `auto`: start a private redis-server when none answers at `url`. */
    manage: 'auto' | 'off';
  };
  bot: {
    /** The chat backend the bot talks to; defaults to this process's own backend. */
    chatUrl?: string;
    displayName: string;
    /** HTTP port of `parley bot run` (admin API, dashboard). */
    port: number;
    /** Where the bot's events come from: the backend's WebSocket, or Event Grid webhooks (real ACS). */
    events: 'websocket' | 'webhook';
    /** Secret that signs webhook deliveries to the bot (`parley-signature`). */
    webhookSecret?: string;
    concurrency: number;
    /** Jobs per second across all workers; 0 = unlimited. */
    rateLimitPerSecond: number;
    attempts: number;
    detectThreshold: number;
    /** Worker threads for the bot's CPU-bound text work. */
    textThreads: number;
    /** Longest one message's text work may run, in ms, before it is abandoned. */
    textBudgetMs: number;
    /** BullMQ lock of an active job (renewed every half); a dead worker's jobs are free this long after. */
    lockMs: number;
    /** How often workers look for jobs whose lock expired (stalled). */
    stalledCheckMs: number;
    /** Period of the reconciliation safety net; 0 = off. */
    reconcileMs: number;
    /** How long a job may be held while the chat backend or the model is away. */
    holdDeadlineMs: number;
  };
  model: {
    provider: 'auto' | 'openai' | 'local';
    model: string;
    /** Target languages a model API is used for (`PARLEY_MODEL_LANGUAGES`); absent = any. */
    languages?: string[];
    timeoutMs: number;
    promptsDir: string;
    openai: { apiKey?: string; baseURL?: string };
    azure?: { endpoint: string; apiKey?: string; deployment: string; apiVersion: string };
  };
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
  if (e.AZURE_OPENAI_ENDPOINT && !e.AZURE_OPENAI_DEPLOYMENT) {
    problems.push('AZURE_OPENAI_DEPLOYMENT is required with AZURE_OPENAI_ENDPOINT');
  }
  if (e.PARLEY_PROVIDER === 'openai' && !e.OPENAI_API_KEY && !e.OPENAI_BASE_URL && !e.AZURE_OPENAI_ENDPOINT) {
    problems.push('PARLEY_PROVIDER=openai needs OPENAI_API_KEY, OPENAI_BASE_URL or AZURE_OPENAI_ENDPOINT');
  }
  if (e.PARLEY_TLS_CERT && e.PARLEY_TLS === 'self-signed') {
    problems.push('PARLEY_TLS=self-signed cannot be combined with PARLEY_TLS_CERT/PARLEY_TLS_KEY');
  }
  if (problems.length) throw new ConfigError(problems);

  return {
    http: { host: e.PARLEY_HOST, port: e.PARLEY_PORT, publicUrl: e.PARLEY_PUBLIC_URL },
    tls: {
      ...(e.PARLEY_TLS_CERT ? { mode: 'files' as const, certFile: e.PARLEY_TLS_CERT, keyFile: e.PARLEY_TLS_KEY } : { mode: e.PARLEY_TLS }),
      ...(e.NODE_EXTRA_CA_CERTS ? { extraCaFile: e.NODE_EXTRA_CA_CERTS } : {}),
    },
    accessKey: e.PARLEY_ACCESS_KEY,
    dataDir: path.resolve(e.PARLEY_DATA_DIR),
    rateLimits: e.PARLEY_RATE_LIMITS === 'on',
    realtime: { maxConnectionsPerUser: e.PARLEY_WS_MAX_PER_USER },
    logLevel: e.PARLEY_LOG_LEVEL,
    logFormat: e.PARLEY_LOG_FORMAT,
    redis: { url: e.REDIS_URL, prefix: e.PARLEY_REDIS_PREFIX, manage: e.PARLEY_REDIS_MANAGE },
    bot: {
      chatUrl: e.PARLEY_CHAT_URL,
      displayName: e.PARLEY_BOT_NAME,
      port: e.PARLEY_BOT_PORT,
      events: e.PARLEY_BOT_EVENTS,
      webhookSecret: e.PARLEY_WEBHOOK_SECRET,
      concurrency: e.PARLEY_BOT_CONCURRENCY,
      rateLimitPerSecond: e.PARLEY_BOT_RATE_LIMIT,
      attempts: e.PARLEY_BOT_ATTEMPTS,
      detectThreshold: e.PARLEY_DETECT_THRESHOLD,
      textThreads: e.PARLEY_TEXT_THREADS,
      textBudgetMs: e.PARLEY_TEXT_BUDGET_MS,
      lockMs: e.PARLEY_BOT_LOCK_MS,
      stalledCheckMs: e.PARLEY_BOT_STALLED_CHECK_MS,
      reconcileMs: e.PARLEY_RECONCILE_MS,
      holdDeadlineMs: e.PARLEY_HOLD_DEADLINE_MS,
    },
    model: {
      provider: e.PARLEY_PROVIDER,
      model: e.PARLEY_MODEL,
      languages: e.PARLEY_MODEL_LANGUAGES?.split(',').map((l) => l.trim().toLowerCase()),
      timeoutMs: e.PARLEY_MODEL_TIMEOUT_MS,
      promptsDir: path.resolve(e.PARLEY_PROMPTS_DIR ?? PACKAGE_PROMPTS_DIR),
      openai: { apiKey: e.OPENAI_API_KEY, baseURL: e.OPENAI_BASE_URL },
      azure: e.AZURE_OPENAI_ENDPOINT
        ? {
            endpoint: e.AZURE_OPENAI_ENDPOINT,
            apiKey: e.AZURE_OPENAI_API_KEY,
            deployment: e.AZURE_OPENAI_DEPLOYMENT!,
            apiVersion: e.AZURE_OPENAI_API_VERSION ?? '2024-10-21',
          }
        : undefined,
    },
  };
}
