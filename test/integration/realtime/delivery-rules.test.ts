import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';
import { connectUser, type Frame } from '../../support/realtime-client.js';

let backend: TestBackend;
beforeAll(async () => {
  backend = await startTestBackend();
});
afterAll(() => backend.close());

const newUsers = (n: number) => Array.from({ length: n }, () => backend.identity.createUser());
const api = (path: string) => `${backend.url}${path}${path.includes('?') ? '&' : '?'}api-version=2025-03-15`;
const threadPath = (threadId: string) => `/chat/threads/${encodeURIComponent(threadId)}`;

it('a removed participant gets its own participantsRemoved, then nothing of that thread', async () => {
  const [alice, bob, carol] = newUsers(3) as [string, string, string];
  const [b, c] = await Promise.all([connectUser(backend, bob), connectUser(backend, carol)]);
  const { thread } = backend.chat.createThread(alice, { topic: 'removal', participants: [{ rawId: bob }, { rawId: carol }] });
  const before = backend.chat.sendMessage(alice, thread.id, { content: 'before', type: 'text' });
  await c.waitForType('chatMessageReceived', { id: before.id });

  backend.chat.removeParticipant(alice, thread.id, carol);
  const removed = await c.waitForType('participantsRemoved', { threadId: thread.id });
  expect(removed.payload.participantsRemoved).toEqual([expect.objectContaining({ id: { kind: 'communicationUser', communicationUserId: carol } })]);
  const afterRemoval = c.frames.length;

  // Everything that can happen in the thread afterwards…
  const after = backend.chat.sendMessage(alice, thread.id, { content: 'after', type: 'text' });
  backend.chat.updateMessage(alice, thread.id, before.id, { content: 'before, edited' });
  backend.chat.deleteMessage(alice, thread.id, after.id);
  backend.chat.sendTyping(alice, thread.id);
  backend.chat.sendReadReceipt(bob, thread.id, before.id);
  backend.chat.updateThread(alice, thread.id, { topic: 'still going' });
  backend.chat.addParticipants(alice, thread.id, [{ rawId: backend.identity.createUser() }]);
  backend.chat.deleteThread(alice, thread.id);
  await b.waitForType('chatThreadDeleted', { threadId: thread.id });

  // …reaches Bob but not Carol: a marker thread with Carol arrives with nothing before it.
  const marker = backend.chat.createThread(alice, { topic: 'marker', participants: [{ rawId: carol }] }).thread;
  const leaked = await c.framesBefore((f) => f.payload.threadId === marker.id, afterRemoval);
  expect(leaked).toEqual([]);
  expect(b.ofType('chatMessageReceived').map((f) => f.payload.id)).toEqual([before.id, after.id]);
  await Promise.all([b.close(), c.close()]);
});

it('typing and read receipts are not delivered above 20 participants, and are at 20', async () => {
  const [alice, bob, ...others] = newUsers(21) as [string, string, ...string[]];
  const [a, b] = await Promise.all([connectUser(backend, alice), connectUser(backend, bob)]);
  const { thread } = backend.chat.createThread(alice, { topic: 'big', participants: [bob, ...others].map((rawId) => ({ rawId })) });
  expect(backend.chat.listParticipants(alice, thread.id, { limit: 100, skip: 0 }).participants).toHaveLength(21);
  const first = backend.chat.sendMessage(alice, thread.id, { content: 'read me', type: 'text' });

  backend.chat.sendTyping(bob, thread.id);
  backend.chat.sendReadReceipt(bob, thread.id, first.id);
  backend.chat.sendTyping(alice, thread.id);
  backend.chat.sendReadReceipt(alice, thread.id, first.id);
  const marker21 = backend.chat.sendMessage(alice, thread.id, { content: 'marker 21', type: 'text' });
  const isMarker21 = (f: Frame) => f.payload.id === marker21.id;
  for (const x of [a, b]) {
    const types = (await x.framesBefore(isMarker21)).map((f) => f.type);
    expect(types).not.toContain('typingIndicatorReceived');
    expect(types).not.toContain('readReceiptReceived');
  }

  backend.chat.removeParticipant(alice, thread.id, others[0]!);
  backend.chat.sendTyping(bob, thread.id);
  backend.chat.sendReadReceipt(bob, thread.id, first.id);
  backend.chat.sendTyping(alice, thread.id);
  await a.waitForType('typingIndicatorReceived', { threadId: thread.id });
  await a.waitForType('readReceiptReceived', { threadId: thread.id });
  await b.waitForType('typingIndicatorReceived', { threadId: thread.id });
  await b.waitForType('readReceiptReceived', { threadId: thread.id });
  await Promise.all([a.close(), b.close()]);
});

it('events of one thread arrive in order under a burst of 500 concurrent REST sends', async () => {
  const [alice, bob] = newUsers(2) as [string, string];
  const b = await connectUser(backend, bob);
  const threads = [0, 1].map((i) => backend.chat.createThread(alice, { topic: `burst ${i}`, participants: [{ rawId: bob }] }).thread);
  const { token } = await backend.identity.issueToken(alice, ['chat']);
  const total = 500;
  const post = (i: number) =>
    fetch(api(`${threadPath(threads[i % 2]!.id)}/messages`), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: `m${i}` }),
    }).then((r) => expect(r.status).toBe(201));
  // 25 requests in flight at a time: commits interleave across the two threads.
  let next = 0;
  await Promise.all(Array.from({ length: 25 }, async () => {
    while (next < total) await post(next++);
  }));
  await b.waitForType('chatMessageReceived', {}, { count: total, timeoutMs: 15_000 });

  const received = b.ofType('chatMessageReceived');
  expect(received).toHaveLength(total);
  for (const t of threads) {
    const seqs = received.filter((f) => f.payload.threadId === t.id).map((f) => Number(f.payload.sequenceId));
    expect(seqs).toHaveLength(total / 2);
    // Strictly increasing and gapless: 1–2 are the creation's system messages.
    expect(seqs).toEqual(Array.from({ length: total / 2 }, (_, i) => i + 3));
  }
  expect(new Set(received.map((f) => f.payload.message)).size).toBe(total);
  await b.close();
});

it("every connection of the sender receives the sender's own message", async () => {
  const [alice, bob] = newUsers(2) as [string, string];
  const [laptop, phone, b] = await Promise.all([connectUser(backend, alice), connectUser(backend, alice), connectUser(backend, bob)]);
  const { thread } = backend.chat.createThread(alice, { topic: 'devices', participants: [{ rawId: bob }] });
  const { token } = await backend.identity.issueToken(alice, ['chat']);
  const res = await fetch(api(`${threadPath(thread.id)}/messages`), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ content: 'from my laptop' }),
  });
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: string };
  for (const x of [laptop, phone, b]) {
    const f = await x.waitForType('chatMessageReceived', { id });
    expect(f.payload).toMatchObject({ message: 'from my laptop', sender: { communicationUserId: alice } });
  }
  // Typing is the one event a user does not get back, on any of its connections.
  backend.chat.sendTyping(alice, thread.id);
  const marker = backend.chat.sendMessage(bob, thread.id, { content: 'marker', type: 'text' });
  await b.waitForType('typingIndicatorReceived', { threadId: thread.id });
  for (const x of [laptop, phone]) {
    const types = (await x.framesBefore((f) => f.payload.id === marker.id)).map((f) => f.type);
    expect(types).not.toContain('typingIndicatorReceived');
  }
  await Promise.all([laptop, phone, b].map((x) => x.close()));
});
