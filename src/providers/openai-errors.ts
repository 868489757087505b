/**
 * Maps the `openai` package's error tree onto the provider errors, so nothing above the provider
 * depends on the SDK. Pure: no I/O.
 */
import OpenAI from 'openai';
import { ContentFilterFinishReasonError, LengthFinishReasonError } from 'openai/error';
import {
  DEFAULT_RATE_LIMIT_WAIT_MS,
  PROVIDER_ERROR_CODES as C,
  ProviderError,
  ProviderPermanentError,
  ProviderRateLimitError,
  ProviderTransientError,
  parseRetryAfter,
} from './errors.js';

/**
 * Turns anything thrown by an `openai` client call into a {@link ProviderError}; `endpoint` (the
 * API's base URL) is named in the messages of failures to reach it.
 */
export function toProviderError(error: unknown, now = Date.now(), endpoint?: string): ProviderError {
  const api = endpoint ? `the model API at ${endpoint}` : 'the model API';
  if (error instanceof ProviderError) return error;
  if (error instanceof OpenAI.APIUserAbortError) {
    return new ProviderTransientError(C.aborted, 'The model call was aborted by the caller.', { cause: error });
  }
  // Subclass before its parent: a timeout is also an APIConnectionError.
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new ProviderTransientError(C.timeout, `${cap(api)} did not answer in time.`, { cause: error });
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new ProviderTransientError(C.connection, `Could not reach ${api}: ${error.message}`, { cause: error });
  }
  if (error instanceof LengthFinishReasonError) {
    return new ProviderPermanentError(C.outputTruncated, 'The model stopped at its token limit before finishing the answer.', {
      cause: error,
    });
  }
  if (error instanceof ContentFilterFinishReasonError) {
    return new ProviderPermanentError(C.refused, 'The model API content filter blocked the answer.', { cause: error });
  }
  if (error instanceof OpenAI.APIError) return fromStatus(error, now, api);
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderTransientError(C.engineFailed, `Unexpected failure calling the model API: ${message}`, { cause: error });
}

const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

function fromStatus(error: InstanceType<typeof OpenAI.APIError>, now: number, api: string): ProviderError {
  const details = { status: error.status, requestId: error.requestID ?? undefined, cause: error };
  const status = error.status ?? 0;
  if (error instanceof OpenAI.RateLimitError || status === 429) {
    const wait = parseRetryAfter(error.headers, now) ?? DEFAULT_RATE_LIMIT_WAIT_MS;
    return new ProviderRateLimitError(wait, `Model API rate limit reached (429); retry after ${wait} ms.`, details);
  }
  if (status === 401 || status === 403) {
    return new ProviderPermanentError(C.auth, `The model API rejected the credentials (${status}).`, details);
  }
  if (status === 404) {
    return new ProviderPermanentError(C.notFound, `The model or deployment was not found (404): ${error.message}`, details);
  }
  if (status === 408) return new ProviderTransientError(C.timeout, `${cap(api)} timed out the request (408).`, details);
  if (status === 409) return new ProviderTransientError(C.serverError, `The model API reported a conflict (409).`, details);
  if (status >= 500) {
    return new ProviderTransientError(C.serverError, `${cap(api)} failed (${status}): ${error.message}`, details);
  }
  if (status >= 400) {
    return new ProviderPermanentError(C.badRequest, `The model API rejected the request (${status}): ${error.message}`, details);
  }
  return new ProviderTransientError(C.engineFailed, `Unexpected model API error: ${error.message}`, details);
}
