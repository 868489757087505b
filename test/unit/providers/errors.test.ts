import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RATE_LIMIT_WAIT_MS,
  PROVIDER_ERROR_CODES as C,
  ProviderPermanentError,
  ProviderRateLimitError,
  ProviderTransientError,
  parseRetryAfter,
} from '../../../src/providers/errors.js';
import { failFastOnRateLimit } from '../../../src/providers/openai-client.js';
import { toProviderError } from '../../../src/providers/openai-errors.js';

const statusError = (status: number, headers: Record<string, string> = {}) =>
  OpenAI.APIError.generate(status, { message: `status ${status}` }, undefined, new Headers({ 'x-request-id': 'req_1', ...headers }));

describe('toProviderError', () => {
  it('maps 429 to ProviderRateLimitError with retry-after', () => {
    const error = toProviderError(statusError(429, { 'retry-after': '3' }));
    expect(error).toBeInstanceOf(ProviderRateLimitError);
    expect((error as ProviderRateLimitError).retryAfterMs).toBe(3_000);
    expect(error.code).toBe(C.rateLimited);
    expect(error.status).toBe(429);
    expect(error.requestId).toBe('req_1');
  });

  it('uses a default wait when a 429 carries no usable header', () => {
    const error = toProviderError(statusError(429, { 'retry-after': 'soon' })) as ProviderRateLimitError;
    expect(error.retryAfterMs).toBe(DEFAULT_RATE_LIMIT_WAIT_MS);
  });

  it.each([
    [401, ProviderPermanentError, C.auth],
    [403, ProviderPermanentError, C.auth],
    [400, ProviderPermanentError, C.badRequest],
    [422, ProviderPermanentError, C.badRequest],
    [404, ProviderPermanentError, C.notFound],
    [408, ProviderTransientError, C.timeout],
    [409, ProviderTransientError, C.serverError],
    [500, ProviderTransientError, C.serverError],
    [503, ProviderTransientError, C.serverError],
  ] as const)('maps HTTP %i', (status, type, code) => {
    const error = toProviderError(statusError(status));
    expect(error).toBeInstanceOf(type);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(type === ProviderTransientError);
  });

  it('maps connection failures, timeouts and aborts to transient errors', () => {
    expect(toProviderError(new OpenAI.APIConnectionTimeoutError()).code).toBe(C.timeout);
    expect(toProviderError(new OpenAI.APIConnectionError({ message: 'ECONNREFUSED' })).code).toBe(C.connection);
    expect(toProviderError(new OpenAI.APIUserAbortError()).code).toBe(C.aborted);
    expect(toProviderError(new TypeError('boom'))).toBeInstanceOf(ProviderTransientError);
  });

  it('keeps provider errors as they are', () => {
    const original = new ProviderPermanentError(C.refused, 'no');
    expect(toProviderError(original)).toBe(original);
  });
});

describe('parseRetryAfter', () => {
  const h = (o: Record<string, string>) => new Headers(o);
  it('reads retry-after-ms first, then seconds, then an HTTP date', () => {
    expect(parseRetryAfter(h({ 'retry-after-ms': '250.5', 'retry-after': '9' }))).toBe(251);
    expect(parseRetryAfter(h({ 'retry-after': '2' }))).toBe(2_000);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter(h({ 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' }), now)).toBe(5_000);
    expect(parseRetryAfter(h({}))).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('failFastOnRateLimit', () => {
  it('marks 429 responses "x-should-retry: false" and leaves others alone', async () => {
    const fake = (status: number) => async () => new Response('{}', { status, headers: { 'retry-after': '1' } });
    const limited = await failFastOnRateLimit(fake(429) as typeof fetch)('http://x');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-should-retry')).toBe('false');
    expect(limited.headers.get('retry-after')).toBe('1');
    const failed = await failFastOnRateLimit(fake(500) as typeof fetch)('http://x');
    expect(failed.headers.get('x-should-retry')).toBeNull();
  });
});
