import { z } from 'zod';

const onOff = z.enum(['on', 'off']);
const optionalString = z
  .string()
  .transform((v) => (v.trim() === '' ? undefined : v.trim()))
  .optional();

const base64Key = z
  .string()
  .trim()
  .refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length >= 32, {
    message: 'must be base64 and decode to at least 32 bytes',
  });

/** `es`, `pt-BR`, `zh_Hant`: a 2–3 letter language, optionally one region or script subtag. */
function isLanguageTag(tag: string): boolean {
  const [language = '', region, ...rest] = tag.split(/[-_]/);
  return rest.length === 0 && /^[A-Za-z]{2,3}$/.test(language) && (region === undefined || /^[A-Za-z0-9]{2,8}$/.test(region));
}

/**
 * Every environment variable parley reads. Nothing else in the code reads `process.env`.
 * Empty strings count as unset, so `FOO=` in a compose file means "use the default".
 */
export const envSchema = z.object({
  PARLEY_HOST: z.string().trim().min(1).default('127.0.0.1'),
  PARLEY_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  PARLEY_PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  PARLEY_TLS: z.enum(['off', 'self-signed']).default('off'),
  PARLEY_TLS_CERT: optionalString,
  PARLEY_TLS_KEY: optionalString,
  // Node's own variable, read here too: parley's clients trust the chat backend through an explicit
  // CA list, which would otherwise leave out what this file adds.
  NODE_EXTRA_CA_CERTS: optionalString,
  PARLEY_ACCESS_KEY: optionalString.pipe(base64Key.optional()),
  PARLEY_DATA_DIR: z.string().trim().min(1).default('./data'),
  PARLEY_RATE_LIMITS: onOff.default('on'),
  PARLEY_WS_MAX_PER_USER: z.coerce.number().int().min(1).max(10_000).default(20),
  PARLEY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PARLEY_LOG_FORMAT: z.enum(['auto', 'pretty', 'json']).default('auto'),

  // The bot: Redis, queue, model provider.
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  PARLEY_REDIS_PREFIX: z.string().trim().regex(/^[A-Za-z0-9_{}-]+$/, 'letters, digits, _, -, {} only').default('parley'),
  PARLEY_REDIS_MANAGE: z.enum(['auto', 'off']).default('auto'),
  PARLEY_CHAT_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  PARLEY_BOT_NAME: z.string().trim().min(1).max(64).default('parley'),
  PARLEY_BOT_EVENTS: z.enum(['websocket', 'webhook']).default('websocket'),
  PARLEY_WEBHOOK_SECRET: optionalString.pipe(z.string().min(16, 'must be at least 16 characters (e.g. openssl rand -hex 32)').optional()),
  PARLEY_BOT_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  PARLEY_BOT_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(16),
  PARLEY_BOT_RATE_LIMIT: z.coerce.number().int().min(0).default(0),
  PARLEY_BOT_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
  PARLEY_BOT_LOCK_MS: z.coerce.number().int().min(1000).default(8000),
  PARLEY_BOT_STALLED_CHECK_MS: z.coerce.number().int().min(500).default(4000),
  PARLEY_RECONCILE_MS: z.coerce.number().int().min(0).default(60_000),
  PARLEY_HOLD_DEADLINE_MS: z.coerce.number().int().min(60_000).default(24 * 3600_000),
  PARLEY_DETECT_THRESHOLD: z.coerce.number().min(0).max(1).default(0.6),
  PARLEY_TEXT_THREADS: z.coerce.number().int().min(1).max(64).default(2),
  PARLEY_TEXT_BUDGET_MS: z.coerce.number().int().min(10).max(600_000).default(2000),
  PARLEY_PROVIDER: z.enum(['auto', 'openai', 'local']).default('auto'),
  PARLEY_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
  // Comma-separated language codes (es,fr,pt-BR); only for model APIs, the offline engine knows its own.
  PARLEY_MODEL_LANGUAGES: optionalString.pipe(
    z
      .string()
      // Split, then each part checked on its own: no nested quantifier over the whole list.
      .refine((v) => v.split(',').every((item) => isLanguageTag(item.trim())), 'comma-separated language codes, e.g. es,fr,de')
      .optional(),
  ),
  PARLEY_MODEL_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  PARLEY_PROMPTS_DIR: optionalString,
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  AZURE_OPENAI_ENDPOINT: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  AZURE_OPENAI_API_KEY: optionalString,
  AZURE_OPENAI_DEPLOYMENT: optionalString,
  AZURE_OPENAI_API_VERSION: optionalString,
}).refine((env) => env.PARLEY_BOT_EVENTS !== 'webhook' || Boolean(env.PARLEY_WEBHOOK_SECRET), {
  // Fail closed: an Event Grid receiver that takes unsigned deliveries lets anyone who reaches the
  // port make the bot act (post into threads, drop threads).
  path: ['PARLEY_WEBHOOK_SECRET'],
  message:
    'required with PARLEY_BOT_EVENTS=webhook: /bot/events takes only deliveries authenticated with it. ' +
    'Set it (e.g. PARLEY_WEBHOOK_SECRET=$(openssl rand -hex 32)) and give the same secret to the event subscription',
  // Checked even when other variables are bad, so one run names every problem.
  when: (payload) => typeof payload.value === 'object' && payload.value !== null,
});

export type Env = z.infer<typeof envSchema>;
