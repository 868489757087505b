import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Paths that may carry secrets or message text; pino replaces them before anything is written. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'accessKey',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'content',
  '*.content',
];

/** Creates the one pino root logger of a process; components take `logger.child({ component })`. */
export function createLogger(level: LoggerOptions['level'] = 'info', destination?: NodeJS.WritableStream): Logger {
  const options: LoggerOptions = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'parley' } };
  return destination ? pino(options, destination as never) : pino(options);
}
