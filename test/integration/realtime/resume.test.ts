import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';
import { connectUser, type Frame } from '../../support/realtime-client.js';

/**
 * The resume contract: a client remembers the time of the last change it saw (createdOn, editedOn or
 * deletedOn of a message event) and, after reconnecting, lists messages with `startTime` = that
 * time. `startTime` is exclusive and matches messages created, edited or deleted after it.
 */

let backend: TestBackend;
beforeAll(async () => {
  backend = await startTestBackend();
});
afterAll(() => backend.close());

interface WireMessage {
  id: string;
  type: string;
  sequenceId: string;
  version: string;
  content?: { message?: string };
  createdOn: string;
  editedOn?: string;
  deletedOn?: string;
}

/** GET …/messages with startTime, following nextLink through small pages. */
async function listSince(token: string, threadId: string, startTime: string): Promise<WireMessage[]> {
  const all: WireMessage[] = [];
  let url: string | undefined =
    `${backend.url}/chat/threads/${encodeURIComponent(threadId)}/messages?api-version=2025-03-15&maxPageSize=20&startTime=${encodeURIComponent(startTime)}`;
  while (url) {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { value: WireMessage[]; nextLink?: string };
    all.push(...page.value);
    url = page.nextLink;
  }
  return all;
}

/** The time of the last change a client saw, from its message frames. */
function lastChangeSeen(frames: Frame[]): number {
  const times = frames
    .filter((f) => f.type.startsWith('chatMessage'))
    .flatMap((f) => [f.payload.createdOn, f.payload.editedOn, f.payload.deletedOn])
    .filter((t): t is string => typeof t === 'string')
    .map((t) => Date.parse(t));
  return Math.max(...times);
}

it('a client offline while N messages were sent recovers all N, and every change, exactly once', async () => {
  const [alice, bob] = [backend.identity.createUser(), backend.identity.createUser()];
  const { thread } = backend.chat.createThread(alice, { topic: 'resume', participants: [{ rawId: bob }] });
  const online = await connectUser(backend, bob);

  // Online: a burst (message ids run ahead of the wall clock within a millisecond or two).
  const seen = Array.from({ length: 200 }, (_, i) => backend.chat.sendMessage(alice, thread.id, { content: `seen ${i}`, type: 'text' }));
  await online.waitForType('chatMessageReceived', { id: seen.at(-1)!.id });
  const resumeFrom = lastChangeSeen(online.frames);
  await online.close();

  // Offline: changes to messages Bob saw, and N new messages.
  const N = 57;
  backend.chat.updateMessage(alice, thread.id, seen[0]!.id, { content: 'seen 0, edited' });
  backend.chat.deleteMessage(alice, thread.id, seen[1]!.id);
  const missed = Array.from({ length: N }, (_, i) => backend.chat.sendMessage(alice, thread.id, { content: `missed ${i}`, type: 'text' }));
  backend.chat.updateMessage(alice, thread.id, missed[0]!.id, { content: 'missed 0, edited' });

  const back = await connectUser(backend, bob);
  const { token } = await backend.identity.issueToken(bob, ['chat']);
  const recovered = await listSince(token, thread.id, new Date(resumeFrom).toISOString());

  const ids = recovered.map((m) => m.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.sort()).toEqual([seen[0]!.id, seen[1]!.id, ...missed.map((m) => m.id)].sort());
  const byId = new Map(recovered.map((m) => [m.id, m]));
  expect(byId.get(seen[0]!.id)!.content?.message).toBe('seen 0, edited');
  expect(byId.get(seen[1]!.id)!.deletedOn).toBeDefined();
  expect(byId.get(missed[0]!.id)!.content?.message).toBe('missed 0, edited');
  // The newest first, as ACS lists them.
  expect(recovered.map((m) => Number(m.sequenceId))).toEqual([...recovered.map((m) => Number(m.sequenceId))].sort((x, y) => y - x));

  // Resuming again from the last change recovered yields nothing twice.
  const lastRecovered = Math.max(...recovered.flatMap((m) => [m.createdOn, m.editedOn, m.deletedOn]).filter((t) => t !== undefined).map((t) => Date.parse(t!)));
  expect(await listSince(token, thread.id, new Date(lastRecovered).toISOString())).toEqual([]);

  // And the new connection is live again.
  const live = backend.chat.sendMessage(alice, thread.id, { content: 'live again', type: 'text' });
  await back.waitForType('chatMessageReceived', { id: live.id });
  await back.close();
});
