import { pino, type Logger, type LoggerOptions } from 'pino';
import { PinoPretty } from 'pino-pretty';

export type { Logger };

/** `pretty`: one readable line per entry; `json`: one JSON object per line; `auto`: pretty on a terminal. */
export type LogFormat = 'auto' | 'pretty' | 'json';

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

export interface CreateLoggerOptions {
  /** @defaultValue process.stdout */
  destination?: NodeJS.WritableStream & { isTTY?: boolean };
  /** @defaultValue 'json' when a destination is given, else 'auto' */
  format?: LogFormat;
}

/** Whether a format choice gives readable lines on this destination. */
export const isPretty = (format: LogFormat, destination: { isTTY?: boolean }): boolean =>
  format === 'pretty' || (format === 'auto' && destination.isTTY === true);

/**
 * The readable form: `12:04:05.123 INFO  [bot] bot started botId=…`, the component as a prefix, the
 * other fields after the message on the same line; colours only on a terminal.
 */
function prettyStream(destination: NodeJS.WritableStream & { isTTY?: boolean }) {
  return PinoPretty({
    destination: destination as NodeJS.WritableStream,
    sync: true,
    ...(destination.isTTY ? {} : { colorize: false }),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,app,component',
    messageFormat: '{if component}[{component}] {end}{msg}',
    singleLine: true,
  });
}

/**
 * Creates the one pino root logger of a process; components take `logger.child({ component })`
 * (once: a child of a child repeats no key). Human-readable on a terminal, JSON lines for collectors.
 */
export function createLogger(level: LoggerOptions['level'] = 'info', destinationOrOptions?: NodeJS.WritableStream | CreateLoggerOptions): Logger {
  const o: CreateLoggerOptions =
    destinationOrOptions && 'write' in destinationOrOptions ? { destination: destinationOrOptions, format: 'json' } : (destinationOrOptions ?? {});
  const destination = o.destination ?? process.stdout;
  const options: LoggerOptions = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'parley' } };
  if (isPretty(o.format ?? 'auto', destination)) return pino(options, prettyStream(destination));
  return o.destination ? pino(options, o.destination as never) : pino(options);
}
