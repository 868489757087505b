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
  PARLEY_ACCESS_KEY: optionalString.pipe(base64Key.optional()),
  PARLEY_DATA_DIR: z.string().trim().min(1).default('./data'),
  PARLEY_RATE_LIMITS: onOff.default('on'),
  PARLEY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;
