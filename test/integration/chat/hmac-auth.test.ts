import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../../src/chat/auth/hmac.js';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';
import { Api, expectAcsError, IDENTITY_V } from './api.js';

describe('HMAC authentication of the identity API', () => {
  let backend: TestBackend;
  let api: Api;
  const path = `/identities?api-version=${IDENTITY_V}`;
  const body = '{"createTokenWithScopes":["chat"]}';
  beforeAll(async () => {
    backend = await startTestBackend();
    api = new Api(backend);
  });
  afterAll(() => backend.close());

  /** Sends `sent` with headers signed over `signed` (method, path, body). */
  async function send(signed: { method?: string; path?: string; body?: string; key?: string; at?: Date }, sent: { path?: string; body?: string } = {}) {
    const headers = signRequest(
      signed.key ?? backend.accessKey,
      { method: signed.method ?? 'POST', url: backend.url + (signed.path ?? path), body: signed.body ?? body },
      signed.at,
    );
    const r = await fetch(backend.url + (sent.path ?? signed.path ?? path), {
      method: 'POST',
      body: sent.body ?? signed.body ?? body,
      headers: { 'content-type': 'application/json', ...headers },
    });
    return { status: r.status, headers: r.headers, text: await r.clone().text(), json: await r.json().catch(() => undefined) };
  }

  it('accepts a correctly signed request (the control)', async () => {
    const res = await send({});
    expect(res.status).toBe(201);
    expect(res.json.identity.id).toMatch(/^8:acs:/);
  });

  it('refuses a signature made with the wrong key: 401 Denied', async () => {
    expectAcsError(await send({ key: randomBytes(32).toString('base64') }), 401, 'Denied');
  });

  it('refuses a tampered body (content hash mismatch): 401 Denied', async () => {
    const res = await send({}, { body: '{"createTokenWithScopes":["voip"]}' });
    expectAcsError(res, 401, 'Denied');
    expect(res.json.error.message).toContain('x-ms-content-sha256');
  });

  it('refuses a stale x-ms-date: 401 Denied', async () => {
    expectAcsError(await send({ at: new Date(Date.now() - 20 * 60_000) }), 401, 'Denied');
    expectAcsError(await send({ at: new Date(Date.now() + 20 * 60_000) }), 401, 'Denied');
  });

  it('refuses a signature replayed on another path or query: 401 Denied', async () => {
    const user = await api.createUser();
    const revoke = `/identities/${encodeURIComponent(user.id)}/:revokeAccessTokens?api-version=${IDENTITY_V}`;
    expectAcsError(await send({ path: `${path}&x=1` }, { path: `${path}&x=2` }), 401, 'Denied');
    expectAcsError(await send({ path, body: '' }, { path: revoke, body: '' }), 401, 'Denied');
    // The user's token still works: the replayed revoke did nothing.
    expect((await api.chat(user.token, 'GET', '/chat/threads')).status).toBe(200);
  });

  it('refuses unsigned identity calls of every kind', async () => {
    const user = await api.createUser();
    const id = encodeURIComponent(user.id);
    for (const [method, p] of [
      ['POST', path],
      ['POST', `/identities/${id}/:issueAccessToken?api-version=${IDENTITY_V}`],
      ['POST', `/identities/${id}/:revokeAccessTokens?api-version=${IDENTITY_V}`],
      ['DELETE', `/identities/${id}?api-version=${IDENTITY_V}`],
    ] as const) {
      const r = await fetch(backend.url + p, { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{"scopes":["chat"]}' : undefined });
      expect(r.status, `${method} ${p}`).toBe(401);
      expect((await r.json()).error.code).toBe('Denied');
    }
    // A chat token is no HMAC signature either.
    const r = await fetch(backend.url + path, { method: 'POST', headers: { authorization: `Bearer ${user.token}` } });
    expect(r.status).toBe(401);
  });
});
