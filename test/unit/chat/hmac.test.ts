import { randomBytes } from 'node:crypto';
import { createCommunicationAccessKeyCredentialPolicy } from '@azure/communication-common';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_BODY_SHA256,
  MAX_SKEW_MS,
  contentHash,
  pathAndQuery,
  signRequest,
  stringToSign,
  verifyHmac,
} from '../../../src/chat/auth/hmac.js';

const KEY = randomBytes(32).toString('base64');
const URL_ = 'https://127.0.0.1:8443/identities?api-version=2023-10-01';
const BODY = '{"createTokenWithScopes":["chat"]}';

/** A request as the verifier sees it: path and query as received, lower-case headers, the raw body. */
function received(url: string, headers: Record<string, string>, rawBody = '', method = 'POST') {
  const u = new URL(url);
  return { method, url: u.pathname + u.search, headers: { host: u.host, ...headers }, rawBody };
}

describe('HMAC-SHA256 (spec §8.2)', () => {
  it('hashes the known vector and the empty body like ACS', () => {
    expect(contentHash(BODY)).toBe('WTRvgEjjVd+bvyKw3WgXgDkU81aV8FWq+4/BE+he0+A=');
    expect(contentHash('')).toBe('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
    expect(EMPTY_BODY_SHA256).toBe(contentHash(''));
  });

  it('builds the string to sign as VERB\\npathAndQuery\\ndate;host;hash with URLSearchParams re-serialization', () => {
    expect(pathAndQuery('/identities/8%3Aacs%3Ax/:issueAccessToken?api-version=2023-10-01')).toBe(
      '/identities/8%3Aacs%3Ax/:issueAccessToken?api-version=2023-10-01',
    );
    expect(pathAndQuery('/x?a=b c&d=%7E')).toBe('/x?a=b+c&d=%7E');
    expect(pathAndQuery('/identities')).toBe('/identities');
    expect(stringToSign('post', '/identities?api-version=2023-10-01', 'Wed, 25 Nov 2026 06:03:59 GMT', '127.0.0.1:8443', 'h=')).toBe(
      'POST\n/identities?api-version=2023-10-01\nWed, 25 Nov 2026 06:03:59 GMT;127.0.0.1:8443;h=',
    );
  });

  it('verifies what the official SDK policy signs', async () => {
    const headers = new Map<string, string>();
    const request = {
      method: 'POST',
      url: 'https://127.0.0.1:8443/identities/8%3Aacs%3Aabc/:issueAccessToken?api-version=2023-10-01',
      body: '{"scopes":["chat","voip"]}',
      headers: { set: (k: string, v: string) => headers.set(k.toLowerCase(), v) },
    };
    const policy = createCommunicationAccessKeyCredentialPolicy({ key: KEY });
    await policy.sendRequest(request as never, async () => ({}) as never);
    const sent = Object.fromEntries(headers);
    expect(verifyHmac(KEY, received(request.url, sent, request.body), Date.now())).toBeNull();
    expect(verifyHmac(randomBytes(32).toString('base64'), received(request.url, sent, request.body), Date.now())).toBe('signature');
  });

  describe('verifyHmac', () => {
    const now = Date.now();
    const signed = (body = BODY, at = new Date(now), url = URL_) => signRequest(KEY, { method: 'POST', url, body }, at);

    it('accepts a request signed by signRequest, with or without a body', () => {
      expect(verifyHmac(KEY, received(URL_, signed(), BODY), now)).toBeNull();
      expect(verifyHmac(KEY, received(URL_, signed(''), ''), now)).toBeNull();
    });

    it('refuses a signature made with another key', () => {
      const other = signRequest(randomBytes(32).toString('base64'), { method: 'POST', url: URL_, body: BODY }, new Date(now));
      expect(verifyHmac(KEY, received(URL_, other, BODY), now)).toBe('signature');
    });

    it('refuses a body that does not match its content hash', () => {
      expect(verifyHmac(KEY, received(URL_, signed(), '{"createTokenWithScopes":["voip"]}'), now)).toBe('content-hash');
    });

    it('refuses a matching hash of a body other than the signed one', () => {
      const tampered = '{"createTokenWithScopes":["voip"]}';
      const headers = { ...signed(), 'x-ms-content-sha256': contentHash(tampered) };
      expect(verifyHmac(KEY, received(URL_, headers, tampered), now)).toBe('signature');
    });

    it('refuses another method, path, query or host than the signed ones', () => {
      const h = signed();
      expect(verifyHmac(KEY, received(URL_, h, BODY, 'DELETE'), now)).toBe('signature');
      expect(verifyHmac(KEY, received('https://127.0.0.1:8443/identities/x?api-version=2023-10-01', h, BODY), now)).toBe('signature');
      expect(verifyHmac(KEY, received(`${URL_}&extra=1`, h, BODY), now)).toBe('signature');
      expect(verifyHmac(KEY, received('https://localhost:8443/identities?api-version=2023-10-01', h, BODY), now)).toBe('signature');
    });

    it('refuses a date more than 15 minutes away, either way', () => {
      const at = (ms: number) => received(URL_, signed(BODY, new Date(now + ms)), BODY);
      expect(verifyHmac(KEY, at(-MAX_SKEW_MS + 60_000), now)).toBeNull();
      expect(verifyHmac(KEY, at(-MAX_SKEW_MS - 1000), now)).toBe('stale');
      expect(verifyHmac(KEY, at(MAX_SKEW_MS + 1000), now)).toBe('stale');
      expect(verifyHmac(KEY, received(URL_, { ...signed(), 'x-ms-date': 'yesterday' }, BODY), now)).toBe('stale');
    });

    it('refuses missing headers and other authorization schemes', () => {
      const h = signed();
      for (const name of ['authorization', 'x-ms-date', 'x-ms-content-sha256'] as const) {
        const { [name]: _, ...rest } = h;
        expect(verifyHmac(KEY, received(URL_, rest, BODY), now), name).toBe('missing');
      }
      expect(verifyHmac(KEY, received(URL_, { ...h, authorization: 'Bearer abc' }, BODY), now)).toBe('malformed');
      const otherHeaders = h.authorization!.replace('x-ms-date;host;x-ms-content-sha256', 'host');
      expect(verifyHmac(KEY, received(URL_, { ...h, authorization: otherHeaders }, BODY), now)).toBe('malformed');
    });
  });
});
