import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';
import { connectWithToken, FrameCollector, notificationsUrl, refusedUpgrade } from '../../support/realtime-client.js';

let backend: TestBackend;
/** Added to the wall clock: lets a test age tokens without waiting. */
let clockOffsetMs = 0;
beforeAll(async () => {
  backend = await startTestBackend({ clock: () => Date.now() + clockOffsetMs });
});
afterAll(() => backend.close());

const unauthorized = { status: 401, body: { error: { code: 'Unauthorized', message: expect.any(String) } } };

it('accepts a chat token in the Authorization header or the access_token query parameter', async () => {
  const user = backend.identity.createUser();
  const { token } = await backend.identity.issueToken(user, ['chat']);
  const viaHeader = await connectWithToken(backend, token);
  expect(viaHeader.frames[0]!.payload.userId).toBe(user);
  await viaHeader.close();

  const viaQuery = new FrameCollector(new WebSocket(notificationsUrl(backend, `?access_token=${encodeURIComponent(token)}`)));
  expect((await viaQuery.waitForType('connected')).payload.userId).toBe(user);
  await viaQuery.close();
});

it('refuses a missing or garbage token with 401 before the upgrade', async () => {
  expect(await refusedUpgrade(notificationsUrl(backend))).toEqual(unauthorized);
  expect(await refusedUpgrade(notificationsUrl(backend, '?access_token=garbage'))).toEqual(unauthorized);
  expect(await refusedUpgrade(notificationsUrl(backend), { authorization: 'Bearer not.a.jwt' })).toEqual(unauthorized);
  expect(await refusedUpgrade(notificationsUrl(backend), { authorization: 'Basic dXNlcjpwYXNz' })).toEqual(unauthorized);
});

it('refuses an expired token', async () => {
  const user = backend.identity.createUser();
  const { token } = await backend.identity.issueToken(user, ['chat'], 60);
  clockOffsetMs = 61 * 60_000;
  try {
    const refused = await refusedUpgrade(notificationsUrl(backend), { authorization: `Bearer ${token}` });
    expect(refused).toEqual(unauthorized);
    expect(JSON.stringify(refused.body)).toMatch(/expired/);
  } finally {
    clockOffsetMs = 0;
  }
  // The same token is fine again once the clock is back: it was the expiry that refused it.
  await (await connectWithToken(backend, token)).close();
});

it('refuses a revoked token, and a deleted user’s token', async () => {
  const user = backend.identity.createUser();
  const { token } = await backend.identity.issueToken(user, ['chat']);
  backend.identity.revokeTokens(user);
  const refused = await refusedUpgrade(notificationsUrl(backend, `?access_token=${token}`));
  expect(refused).toEqual(unauthorized);
  expect(JSON.stringify(refused.body)).toMatch(/revoked/);
  // A token issued after the revocation works.
  const { token: fresh } = await backend.identity.issueToken(user, ['chat']);
  await (await connectWithToken(backend, fresh)).close();

  backend.identity.deleteUser(user);
  expect(await refusedUpgrade(notificationsUrl(backend), { authorization: `Bearer ${fresh}` })).toEqual(unauthorized);
});

// Issue 9, item 17: a valid token without a chat scope is 403 on the upgrade, as on REST.
it('refuses a token without a chat scope with 403, and accepts chat.join and chat.join.limited', async () => {
  const user = backend.identity.createUser();
  const { token } = await backend.identity.issueToken(user, ['voip', 'voip.join']);
  expect(await refusedUpgrade(notificationsUrl(backend), { authorization: `Bearer ${token}` })).toEqual({
    status: 403,
    body: { error: { code: 'Forbidden', message: expect.stringMatching(/chat scope/) } },
  });
  for (const scope of ['chat.join', 'chat.join.limited']) {
    const { token: joined } = await backend.identity.issueToken(user, [scope]);
    const client = await connectWithToken(backend, joined);
    expect(client.frames[0]!.payload.userId).toBe(user);
    await client.close();
  }
});

it('answers 404 on any other path, even with a valid token', async () => {
  const user = backend.identity.createUser();
  const { token } = await backend.identity.issueToken(user, ['chat']);
  const url = `${backend.url.replace(/^http/, 'ws')}/elsewhere`;
  expect(await refusedUpgrade(url, { authorization: `Bearer ${token}` })).toEqual({
    status: 404,
    body: { error: { code: 'NotFound', message: expect.any(String) } },
  });
  expect((await refusedUpgrade(`${notificationsUrl(backend)}/extra`)).status).toBe(404);
});
