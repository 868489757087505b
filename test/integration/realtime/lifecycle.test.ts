import { expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestBackend } from '../../support/chat-server.js';
import { connectUser, notificationsUrl, type FrameCollector } from '../../support/realtime-client.js';

/** Resolves after the client has answered `n` protocol pings (counted from now). */
const pings = (client: FrameCollector, n: number) =>
  new Promise<void>((resolve) => {
    let seen = 0;
    const onPing = () => {
      if (++seen < n) return;
      client.ws.off('ping', onPing);
      resolve();
    };
    client.ws.on('ping', onPing);
  });

it('terminates a client that stops answering pings; answering clients stay', async () => {
  const backend = await startTestBackend({ realtime: { heartbeatMs: 100 } });
  try {
    const [alice, bob] = [backend.identity.createUser(), backend.identity.createUser()];
    const alive = await connectUser(backend, alice);
    const dead = await connectUser(backend, bob, { autoPong: false });
    const { thread } = backend.chat.createThread(alice, { topic: 'heartbeat', participants: [{ rawId: bob }] });
    expect(backend.realtime.connections).toBe(2);

    const survived = pings(alive, 4);
    // No close frame: a peer that does not answer pings is not expected to answer a close either.
    expect((await dead.closed).code).toBe(1006);
    await survived;
    expect(backend.realtime.connections).toBe(1);
    const m = backend.chat.sendMessage(bob, thread.id, { content: 'still here?', type: 'text' });
    await alive.waitForType('chatMessageReceived', { id: m.id });
    expect(alive.ws.readyState).toBe(WebSocket.OPEN);

    // Browsers cannot see protocol pings: a JSON ping is answered with a JSON pong.
    alive.ws.send(JSON.stringify({ type: 'ping' }));
    expect((await alive.waitForType('pong')).payload.serverTime).toEqual(expect.any(String));
    await alive.close();
  } finally {
    await backend.close();
  }
});

it('closes every socket with 1001 on shutdown, and accepts no new ones', async () => {
  const backend = await startTestBackend();
  const users = [0, 1, 2].map(() => backend.identity.createUser());
  const clients = await Promise.all([...users, users[0]!].map((u) => connectUser(backend, u)));
  backend.chat.createThread(users[0]!, { topic: 'shutdown', participants: users.slice(1).map((rawId) => ({ rawId })) });
  await Promise.all(clients.map((c) => c.waitForType('chatThreadCreated')));
  const { token } = await backend.identity.issueToken(users[0]!, ['chat']);

  await backend.close();
  for (const c of clients) expect(await c.closed).toEqual({ code: 1001, reason: 'server shutting down' });
  expect(backend.realtime.connections).toBe(0);

  const late = new WebSocket(notificationsUrl(backend), { headers: { authorization: `Bearer ${token}` } });
  const err = await new Promise<Error>((resolve) => late.once('error', resolve));
  expect(err.message).toMatch(/ECONNREFUSED/);
  // close() is idempotent.
  await backend.close();
});
