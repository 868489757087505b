import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The HMAC-SHA256 scheme of ACS key-based calls, exactly as `@azure/communication-common` signs (spec §8.2). */

export const EMPTY_BODY_SHA256 = '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';

/** Allowed clock skew between signer and verifier. */
export const MAX_SKEW_MS = 15 * 60 * 1000;

export const contentHash = (body: string | Buffer): string => createHash('sha256').update(body).digest('base64');

/** `pathname?URLSearchParams(search)`, rebuilt the way the SDK builds it. */
export function pathAndQuery(rawUrl: string): string {
  const url = new URL(rawUrl, 'http://placeholder');
  const query = new URLSearchParams(url.search).toString();
  return query ? `${url.pathname}?${query}` : url.pathname;
}

export function stringToSign(method: string, rawUrl: string, date: string, host: string, hash: string): string {
  return `${method.toUpperCase()}\n${pathAndQuery(rawUrl)}\n${date};${host};${hash}`;
}

export function sign(accessKey: string, text: string): string {
  return createHmac('sha256', Buffer.from(accessKey, 'base64')).update(text, 'utf8').digest('base64');
}

/** Headers for a signed request, for parley's own CLI and tests. */
export function signRequest(
  accessKey: string,
  req: { method: string; url: string; body?: string },
  now = new Date(),
): Record<string, string> {
  const url = new URL(req.url);
  const date = now.toUTCString();
  const hash = contentHash(req.body ?? '');
  const signature = sign(accessKey, stringToSign(req.method, url.pathname + url.search, date, url.host, hash));
  return {
    'x-ms-date': date,
    'x-ms-content-sha256': hash,
    authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
  };
}

export type HmacFailure = 'missing' | 'malformed' | 'stale' | 'content-hash' | 'signature';

/** Verifies a signed request; returns why it failed, or null when it is authentic. */
export function verifyHmac(
  accessKey: string,
  req: { method: string; url: string; headers: Record<string, string | string[] | undefined>; rawBody: string },
  now: number,
): HmacFailure | null {
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const auth = header('authorization');
  const date = header('x-ms-date') ?? header('date');
  const hash = header('x-ms-content-sha256');
  const host = header('host');
  if (!auth || !date || !hash || !host) return 'missing';
  const m = /^HMAC-SHA256 SignedHeaders=([^&]+)&Signature=(.+)$/.exec(auth);
  if (!m || m[1]!.toLowerCase() !== 'x-ms-date;host;x-ms-content-sha256') return 'malformed';
  const signedAt = Date.parse(date);
  if (Number.isNaN(signedAt) || Math.abs(now - signedAt) > MAX_SKEW_MS) return 'stale';
  if (!safeEqual(hash, contentHash(req.rawBody))) return 'content-hash';
  const expected = sign(accessKey, stringToSign(req.method, req.url, date, host, hash));
  return safeEqual(m[2]!, expected) ? null : 'signature';
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
