import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';
import { connectUser, connectWithToken, FrameCollector, notificationsUrl } from '../../support/realtime-client.js';

/** Issue 9, items 3 and 4: a socket does not outlive its user's access, and one user cannot hold them all. */
let backend: TestBackend;
const LIMIT = 3;
beforeAll(async () => {
  backend = await startTestBackend({ env: { PARLEY_WS_MAX_PER_USER: String(LIMIT) } });
});
afterAll(() => backend.close());

/** A thread of `creator` with `members`, made through the service (the API is tested elsewhere). */
const thread = (creator: string, members: string[] = []) =>
  backend.chat.createThread(creator, { topic: 'ws', participants: members.map((rawId) => ({ rawId })) }).thread.id;

describe('revocation closes open sockets (item 3)', () => {
  it('closes every socket of a user with 4003 when its tokens are revoked; a new token connects and stays', async () => {
    const alice = backend.identity.createUser();
    const bob = backend.identity.createUser();
    const threadId = thread(alice, [bob]);
    const [a1, a2] = await Promise.all([connectUser(backend, bob), connectUser(backend, bob)]);
    const other = await connectUser(backend, alice);

    backend.identity.revokeTokens(bob);
    expect(await a1.closed).toEqual({ code: 4003, reason: 'access token revoked' });
    expect(await a2.closed).toEqual({ code: 4003, reason: 'access token revoked' });

    const fresh = await connectUser(backend, bob);
    const m = backend.chat.sendMessage(alice, threadId, { content: 'after the revocation', type: 'text' });
    await fresh.waitForType('chatMessageReceived', { id: m.id });
    await other.waitForType('chatMessageReceived', { id: m.id });
    expect(a1.ofType('chatMessageReceived')).toEqual([]);
    await Promise.all([fresh.close(), other.close()]);
  });

  it('closes the sockets of a deleted user with 4003 "identity deleted"', async () => {
    const carol = backend.identity.createUser();
    const c = await connectUser(backend, carol);
    backend.identity.deleteUser(carol);
    expect(await c.closed).toEqual({ code: 4003, reason: 'identity deleted' });
  });

  it('closes through the Identity API too (the HMAC-signed revoke)', async () => {
    const { CommunicationIdentityClient } = await import('@azure/communication-identity');
    const tlsless = backend.url.startsWith('http://');
    const identity = new CommunicationIdentityClient(backend.connectionString, tlsless ? { allowInsecureConnection: true } : {});
    const dave = backend.identity.createUser();
    const d = await connectUser(backend, dave);
    await identity.revokeTokens({ communicationUserId: dave });
    expect((await d.closed).code).toBe(4003);
  });
});

describe('connections per identity (item 4)', () => {
  /** Opens a socket and resolves with its first frame type or its close code, whichever comes first. */
  async function attempt(token: string): Promise<{ client: FrameCollector; outcome: string | number }> {
    const client = new FrameCollector(new WebSocket(notificationsUrl(backend), { headers: { authorization: `Bearer ${token}` } }));
    const outcome = await Promise.race([client.waitForType('connected').then(() => 'connected'), client.closed.then((c) => c.code)]);
    return { client, outcome };
  }

  it(`holds ${LIMIT} sockets per user and closes one more with 4029; freeing one lets the next in`, async () => {
    const erin = backend.identity.createUser();
    const { token } = await backend.identity.issueToken(erin, ['chat']);
    const open = await Promise.all(Array.from({ length: LIMIT }, () => connectWithToken(backend, token)));

    const over = await attempt(token);
    expect(over.outcome).toBe(4029);
    expect(await over.client.closed).toEqual({ code: 4029, reason: `too many connections for this user (limit ${LIMIT})` });
    expect(over.client.frames).toEqual([]);
    expect(backend.realtime.connections).toBeGreaterThanOrEqual(LIMIT);

    // Another user is not affected by erin's limit.
    const frank = await connectUser(backend, backend.identity.createUser());
    await open[0]!.close();
    const next = await attempt(token);
    expect(next.outcome).toBe('connected');
    await Promise.all([...open.slice(1), next.client, frank].map((c) => c.close()));
  });

  it('refuses the excess even when the sockets arrive at once', async () => {
    const gina = backend.identity.createUser();
    const { token } = await backend.identity.issueToken(gina, ['chat']);
    const results = await Promise.all(Array.from({ length: LIMIT + 4 }, () => attempt(token)));
    const outcomes = results.map((r) => r.outcome);
    expect(outcomes.filter((o) => o === 'connected')).toHaveLength(LIMIT);
    expect(outcomes.filter((o) => o === 4029)).toHaveLength(4);
    await Promise.all(results.map((r) => r.client.close()));
  });
});
