import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';
import { Api, expectAcsError, IDENTITY_V, threadPath } from './api.js';

const HOUR = 3_600_000;

describe('bearer tokens on chat calls', () => {
  let now = Date.now();
  let backend: TestBackend;
  let other: TestBackend;
  let api: Api;
  let alice: { id: string; token: string };
  let threadId: string;
  beforeAll(async () => {
    // A clock the test moves, so expiry is tested without waiting.
    [backend, other] = await Promise.all([startTestBackend({ clock: () => now }), startTestBackend()]);
    api = new Api(backend);
    alice = await api.createUser();
    threadId = await api.createThread(alice.token);
  });
  afterAll(() => Promise.all([backend.close(), other.close()]));

  const getThread = (token?: string, headers: Record<string, string> = {}) => api.chat(token, 'GET', threadPath(threadId), undefined, headers);

  it('accepts a valid token (the control for every case below)', async () => {
    const res = await getThread(alice.token);
    expect(res.status).toBe(200);
    expect(res.json.id).toBe(threadId);
  });

  it('refuses a missing token, another scheme and garbage with 401', async () => {
    expectAcsError(await getThread(undefined), 401, 'Unauthorized');
    expectAcsError(await getThread(undefined, { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }), 401, 'Unauthorized');
    expectAcsError(await getThread(undefined, { authorization: 'Bearer' }), 401, 'Unauthorized');
    expectAcsError(await getThread('garbage'), 401, 'Unauthorized');
    expectAcsError(await getThread('a.b.c'), 401, 'Unauthorized');
  });

  it('refuses a token signed with another key, or by another backend', async () => {
    const [, payload] = alice.token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new Uint8Array(32).fill(1));
    expectAcsError(await getThread(forged), 401, 'Unauthorized');
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    expectAcsError(await getThread(unsigned), 401, 'Unauthorized');
    const foreign = await new Api(other).createUser();
    expectAcsError(await getThread(foreign.token), 401, 'Unauthorized');
  });

  it('refuses an expired token', async () => {
    const user = await api.createUser();
    const res = await api.identity(
      'POST',
      `/identities/${encodeURIComponent(user.id)}/:issueAccessToken?api-version=${IDENTITY_V}`,
      JSON.stringify({ scopes: ['chat'], expiresInMinutes: 60 }),
    );
    const token = res.json.token as string;
    const member = await api.createThread(token);
    now += HOUR - 60_000;
    expect((await api.chat(token, 'GET', threadPath(member))).status).toBe(200);
    now += 2 * 60_000;
    try {
      expectAcsError(await api.chat(token, 'GET', threadPath(member)), 401, 'Unauthorized');
    } finally {
      now = Date.now();
    }
  });

  it('refuses tokens revoked with :revokeAccessTokens, and accepts ones issued after', async () => {
    const user = await api.createUser();
    const before = await api.token(user.id);
    const member = await api.createThread(before);
    const revoke = await api.identity('POST', `/identities/${encodeURIComponent(user.id)}/:revokeAccessTokens?api-version=${IDENTITY_V}`);
    expect(revoke.status).toBe(204);
    expectAcsError(await api.chat(user.token, 'GET', threadPath(member)), 401, 'Unauthorized');
    expectAcsError(await api.chat(before, 'GET', threadPath(member)), 401, 'Unauthorized');
    const after = await api.token(user.id);
    expect((await api.chat(after, 'GET', threadPath(member))).status).toBe(200);
  });

  it('refuses the tokens of a deleted user, and issues no new ones', async () => {
    const user = await api.createUser();
    const member = await api.createThread(user.token);
    const del = await api.identity('DELETE', `/identities/${encodeURIComponent(user.id)}?api-version=${IDENTITY_V}`);
    expect(del.status).toBe(204);
    expectAcsError(await api.chat(user.token, 'GET', threadPath(member)), 401, 'Unauthorized');
    const reissue = await api.identity(
      'POST',
      `/identities/${encodeURIComponent(user.id)}/:issueAccessToken?api-version=${IDENTITY_V}`,
      JSON.stringify({ scopes: ['chat'] }),
    );
    expectAcsError(reissue, 404, 'NotFound');
  });

  // Issue 9, item 17: a valid token without a chat scope is 403 (insufficient scope), not 401.
  it('refuses a token without a chat scope with 403', async () => {
    const voip = await api.createUser(['voip']);
    expectAcsError(await api.chat(voip.token, 'GET', '/chat/threads'), 403, 'Forbidden');
    expectAcsError(await api.chat(voip.token, 'POST', '/chat/threads', { topic: 'x' }), 403, 'Forbidden');
    const both = await api.token(voip.id, ['voip', 'chat']);
    expect((await api.chat(both, 'GET', '/chat/threads')).status).toBe(200);
  });
});
