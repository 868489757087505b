import { ChatConnectionError } from './connection-error.js';

/** A non-2xx answer of the chat backend, with the ACS error code when the body carried one. */
export class ChatApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ChatApiError';
  }

  /** 408, 429 and 5xx are worth another try; other statuses will answer the same. */
  get transient(): boolean {
    return this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

export async function toChatApiError(res: Response): Promise<ChatApiError> {
  const text = await res.text().catch(() => '');
  let code = `Http${res.status}`;
  let message = text.slice(0, 300) || res.statusText;
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // not JSON
  }
  const retryAfter = Number(res.headers.get('retry-after'));
  return new ChatApiError(res.status, code, message, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
}

/** Statuses that mean "the backend (or the proxy before it) is away", not "this request is wrong". */
const AWAY_STATUSES = new Set([408, 502, 503, 504]);
/** Connection failures that mean the backend is away; TLS mistakes are configuration, not an outage. */
const AWAY_CODES = new Set(['CHAT_UNREACHABLE', 'CHAT_TIMEOUT', 'CHAT_CLOSED', 'CHAT_CONNECTION_FAILED']);

/**
 * Whether an error from a chat backend call means the backend is unavailable (refused, reset,
 * timed out, 502/503/504): the call should wait for it rather than count as a failed attempt.
 */
export function isChatUnavailable(err: unknown): boolean {
  if (err instanceof ChatConnectionError) return AWAY_CODES.has(err.code);
  if (err instanceof ChatApiError) return AWAY_STATUSES.has(err.status);
  // fetch's own failures (the admin client's token calls use it directly).
  return (err instanceof TypeError && err.message === 'fetch failed') || (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'));
}
