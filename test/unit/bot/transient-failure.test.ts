import { describe, expect, it } from 'vitest';
import { isTransientFailure } from '../../../src/bot/queue/revive.js';
import { ChatConnectionError } from '../../../src/client/connection-error.js';
import { ChatApiError, isChatUnavailable } from '../../../src/client/errors.js';
import { isProviderUnavailable, PROVIDER_ERROR_CODES as C, ProviderPermanentError, ProviderTransientError } from '../../../src/providers/errors.js';

describe('what counts as a dependency being away', () => {
  it('chat: refused, reset, timed out, 408/502/503/504 — not a TLS mistake or a refusal', () => {
    expect(isChatUnavailable(new ChatConnectionError('CHAT_UNREACHABLE', 'http://x', 'parley is not running at http://x (ECONNREFUSED)'))).toBe(true);
    expect(isChatUnavailable(new ChatConnectionError('CHAT_TIMEOUT', 'http://x', 'no answer'))).toBe(true);
    expect(isChatUnavailable(new ChatConnectionError('CHAT_TLS_UNTRUSTED', 'https://x', 'untrusted'))).toBe(false);
    for (const status of [408, 502, 503, 504]) expect(isChatUnavailable(new ChatApiError(status, 'X', 'x'))).toBe(true);
    for (const status of [400, 403, 404, 429, 500]) expect(isChatUnavailable(new ChatApiError(status, 'X', 'x'))).toBe(false);
  });

  it('model: connection, timeout and 5xx — not a bad request, an invalid answer or a 409', () => {
    expect(isProviderUnavailable(new ProviderTransientError(C.connection, 'Could not reach'))).toBe(true);
    expect(isProviderUnavailable(new ProviderTransientError(C.timeout, 'slow'))).toBe(true);
    expect(isProviderUnavailable(new ProviderTransientError(C.serverError, 'boom', { status: 503 }))).toBe(true);
    expect(isProviderUnavailable(new ProviderTransientError(C.serverError, 'conflict', { status: 409 }))).toBe(false);
    expect(isProviderUnavailable(new ProviderPermanentError(C.badRequest, 'bad'))).toBe(false);
  });

  it('failed jobs brought back: outages and double stalls, not permanent refusals', () => {
    expect(isTransientFailure('parley is not running at http://127.0.0.1:8080 (ECONNREFUSED): start it with npm start')).toBe(true);
    expect(isTransientFailure('Could not reach the model API at http://m/v1: Connection error.')).toBe(true);
    expect(isTransientFailure('The model API at http://m/v1 failed (503): overloaded')).toBe(true);
    expect(isTransientFailure('job stalled more than allowable limit')).toBe(true);
    expect(isTransientFailure('chat backend answered 403 Forbidden: not a participant')).toBe(false);
    expect(isTransientFailure('The model API rejected the credentials (401).')).toBe(false);
    expect(isTransientFailure(undefined)).toBe(false);
  });
});
