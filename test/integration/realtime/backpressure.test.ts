import type { Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';
import { connectUser, type FrameCollector } from '../../support/realtime-client.js';

const MAX_BUFFERED = 256 * 1024;

let backend: TestBackend;
beforeAll(async () => {
  backend = await startTestBackend({ realtime: { maxBufferedBytes: MAX_BUFFERED } });
});
afterAll(() => backend.close());

/** The client's TCP socket (a `ws` internal): pausing it stops reading, so the server's buffers fill. */
const tcp = (client: FrameCollector) => (client.ws as unknown as { _socket: Socket })._socket;

it('closes a consumer that cannot keep up with 4008; another client on the thread gets everything', async () => {
  const [alice, bob, carol] = [0, 1, 2].map(() => backend.identity.createUser()) as [string, string, string];
  const [fast, slow] = await Promise.all([connectUser(backend, bob), connectUser(backend, carol)]);
  const { thread } = backend.chat.createThread(alice, { topic: 'firehose', participants: [{ rawId: bob }, { rawId: carol }] });
  await slow.waitForType('chatThreadCreated');
  tcp(slow).pause();

  // 20 KB messages. The kernel's loopback buffers absorb several MB before the server's own send
  // buffer grows at all; 60 MB is far more than both together.
  const body = 'x'.repeat(20_000);
  const cap = 3_000;
  const sent: string[] = [];
  let closedAfter = -1;
  for (let i = 0; i < cap && (closedAfter < 0 || i < closedAfter + 20); i++) {
    const framesBefore = backend.realtime.sent;
    sent.push(backend.chat.sendMessage(alice, thread.id, { content: `${i} ${body}`, type: 'text' }).id);
    // The fast client reads each message before the next (no drift from in-process sends); by then
    // the event was published (after the commit's sync) to every connection on the thread.
    await fast.waitForType('chatMessageReceived', { id: sent[i] });
    // Two recipients are connected; one frame means the hub dropped the slow one.
    if (closedAfter < 0 && backend.realtime.sent - framesBefore < 2) {
      closedAfter = i;
      // Read again at once: the 4008 close frame waits behind what the server had buffered.
      tcp(slow).resume();
    }
  }
  expect(closedAfter, 'the slow consumer was never closed').toBeGreaterThan(0);

  const { code, reason } = await slow.closed;
  expect(code).toBe(4008);
  expect(reason).toMatch(/slow consumer/);
  // What the slow client did get is a gapless prefix, in order.
  const slowIds = slow.ofType('chatMessageReceived').map((f) => f.payload.id);
  expect(slowIds).toEqual(sent.slice(0, slowIds.length));
  expect(slowIds.length).toBeLessThanOrEqual(closedAfter);
  // The fast client got every message, in order, and is still connected.
  expect(fast.ofType('chatMessageReceived').map((f) => f.payload.id)).toEqual(sent);
  expect(backend.realtime.connections).toBe(1);
  await fast.close();
});
