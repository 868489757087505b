/**
 * Errors a model provider throws. Every one has a stable `code` and says whether the caller should
 * try again (`retryable`), so the queue can decide without knowing which engine is behind the
 * provider: rate limits wait `retryAfterMs`, transient errors back off, permanent errors fail now
 * (BullMQ `UnrecoverableError`).
 */

/** Stable codes; never change a value once released (dashboards and alerts key on them). */
export const PROVIDER_ERROR_CODES = {
  rateLimited: 'PROVIDER_RATE_LIMITED',
  timeout: 'PROVIDER_TIMEOUT',
  connection: 'PROVIDER_CONNECTION',
  serverError: 'PROVIDER_SERVER_ERROR',
  aborted: 'PROVIDER_ABORTED',
  invalidOutput: 'PROVIDER_INVALID_OUTPUT',
  engineFailed: 'PROVIDER_ENGINE_FAILED',
  auth: 'PROVIDER_AUTH',
  badRequest: 'PROVIDER_BAD_REQUEST',
  notFound: 'PROVIDER_NOT_FOUND',
  refused: 'PROVIDER_REFUSED',
  outputTruncated: 'PROVIDER_OUTPUT_TRUNCATED',
  unsupportedPair: 'PROVIDER_UNSUPPORTED_PAIR',
  closed: 'PROVIDER_CLOSED',
} as const;

export type ProviderErrorCode = (typeof PROVIDER_ERROR_CODES)[keyof typeof PROVIDER_ERROR_CODES];

/** Details kept from the underlying failure (HTTP status, request id); never a key or message text. */
export interface ProviderErrorDetails {
  /** HTTP status of the model API's answer, when there was one. */
  status?: number;
  /** The API's `x-request-id`, for support tickets. */
  requestId?: string;
  cause?: unknown;
}

/** Base class: catch this to handle any provider failure. */
export abstract class ProviderError extends Error {
  abstract readonly retryable: boolean;
  readonly status: number | undefined;
  readonly requestId: string | undefined;

  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    details: ProviderErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.requestId = details.requestId;
  }
}

/**
 * The model API said 429. The provider does not wait: whoever owns the retry (the queue) should
 * delay the job by `retryAfterMs` — taken from `retry-after-ms`, else `retry-after` (seconds or an
 * HTTP date), else {@link DEFAULT_RATE_LIMIT_WAIT_MS}.
 */
export class ProviderRateLimitError extends ProviderError {
  override readonly name = 'ProviderRateLimitError';
  readonly retryable = true;

  constructor(
    readonly retryAfterMs: number,
    message = `Model API rate limit reached; retry after ${retryAfterMs} ms.`,
    details: ProviderErrorDetails = {},
  ) {
    super(PROVIDER_ERROR_CODES.rateLimited, message, details);
  }
}

/** Worth retrying with backoff: 5xx, timeouts, connection failures, a crashed local engine. */
export class ProviderTransientError extends ProviderError {
  override readonly name: string = 'ProviderTransientError';
  readonly retryable = true;
}

/**
 * The model answered, but not with what the schema demands (not JSON, a language missing, a wrong
 * type). A transient error because models are not deterministic: the same request usually succeeds
 * when asked again, so the job is retried by the queue like any transient failure. The SDK itself
 * never retries these (it only sees a 200).
 */
export class ProviderInvalidOutputError extends ProviderTransientError {
  override readonly name = 'ProviderInvalidOutputError';

  constructor(
    message: string,
    /** Human-readable list of what was wrong (zod issues or the JSON parse error). */
    readonly problems: string[],
    details: ProviderErrorDetails = {},
  ) {
    super(PROVIDER_ERROR_CODES.invalidOutput, message, details);
  }
}

/** Retrying cannot help: bad request, authentication, unknown model, refusal, unsupported pair. */
export class ProviderPermanentError extends ProviderError {
  override readonly name = 'ProviderPermanentError';
  readonly retryable = false;
}

/** Used when a 429 carries no usable `retry-after` header. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 1_000;

/**
 * Milliseconds to wait according to `retry-after-ms` (non-standard, sent by OpenAI and Azure) or
 * `retry-after` (seconds or HTTP date), or `undefined` when neither is usable.
 */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  const raw = headers.get('retry-after');
  if (raw === null || raw.trim() === '') return undefined;
  const seconds = Number(raw.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(raw);
  if (Number.isFinite(date)) return Math.max(0, date - now);
  return undefined;
}

/**
 * Whether a provider failure means the model API is away (unreachable, timing out, answering 5xx)
 * rather than this request being a problem: the queue then holds work instead of spending attempts.
 */
export function isProviderUnavailable(err: unknown): boolean {
  if (!(err instanceof ProviderTransientError)) return false;
  return err.code === PROVIDER_ERROR_CODES.connection || err.code === PROVIDER_ERROR_CODES.timeout || (err.code === PROVIDER_ERROR_CODES.serverError && (err.status ?? 500) >= 500);
}
