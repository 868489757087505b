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
