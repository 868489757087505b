import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';

let backend: TestBackend;
beforeAll(async () => {
  backend = await startTestBackend();
});
afterAll(() => backend.close());

it('pushes chatMessageReceived to a participant', async () => {
  const alice = backend.identity.createUser();
  const bob = backend.identity.createUser();
  const { token } = await backend.identity.issueToken(bob, ['chat']);
  const ws = new WebSocket(`${backend.url.replace('http', 'ws')}/notifications`, { headers: { authorization: `Bearer ${token}` } });
  const frames: { type: string; payload: Record<string, unknown> }[] = [];
  const got = new Promise<void>((resolve) =>
    ws.on('message', (d) => {
      frames.push(JSON.parse(d.toString()));
      if (frames.some((f) => f.type === 'chatMessageReceived')) resolve();
    }),
  );
  await new Promise((r) => ws.once('open', r));
  const { thread } = backend.chat.createThread(alice, { topic: 't', participants: [{ rawId: bob }] });
  backend.chat.sendMessage(alice, thread.id, { content: 'hi', type: 'text' });
  await got;
  expect(frames.map((f) => f.type)).toEqual(['connected', 'chatThreadCreated', 'chatMessageReceived']);
  expect(frames[2]!.payload).toMatchObject({ threadId: thread.id, message: 'hi', type: 'text', sequenceId: '3' });
  ws.close();
});

it('refuses a bad token before the upgrade', async () => {
  const ws = new WebSocket(`${backend.url.replace('http', 'ws')}/notifications?access_token=garbage`);
  const status = await new Promise<number>((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode!)));
  expect(status).toBe(401);
});
