import { signRequest } from '../../src/chat/auth/hmac.js';

/** Calls an HMAC-authenticated admin endpoint of the backend, as the CLI does. */
export async function adminFetch(baseUrl: string, accessKey: string, method: string, path: string, body?: unknown): Promise<Response> {
  const url = `${baseUrl}${path}`;
  const text = body === undefined ? '' : JSON.stringify(body);
  const headers = signRequest(accessKey, { method, url, body: text });
  return fetch(url, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : text,
  });
}
