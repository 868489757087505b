import fs from 'node:fs';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { ChatEvent } from '../../../src/chat/events.js';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';
import { Api, expectAcsError, threadPath } from './api.js';

/**
 * Group commit: a write is answered (and published) only after an fdatasync of the WAL that started
 * after it, and concurrent writes share syncs. `fs.fdatasync` is held by a gate so the order is
 * observed, not timed.
 */
let backend: TestBackend;
let api: Api;
let token: string;
let threadId: string;
const realFdatasync = fs.fdatasync;
const held: Array<{ release: (err?: NodeJS.ErrnoException) => void }> = [];
let onSync: (() => void) | undefined;

beforeEach(async () => {
  backend = await startTestBackend();
  api = new Api(backend);
  const user = await api.createUser();
  token = user.token;
  threadId = await api.createThread(token);
  // From here on every sync waits for the test to release it.
  vi.spyOn(fs, 'fdatasync').mockImplementation(((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
    held.push({ release: (err) => (err ? cb(err) : realFdatasync(fd, cb)) });
    onSync?.();
  }) as typeof fs.fdatasync);
});

afterEach(async () => {
  vi.restoreAllMocks();
  for (const h of held.splice(0)) h.release();
  await backend.close();
});

const nextSync = () => new Promise<void>((resolve) => (onSync = resolve));
const countMessages = () =>
  (backend.store.db.prepare("SELECT count(*) AS n FROM messages WHERE thread_id = ? AND type = 'text'").get(threadId) as { n: number }).n;

it('answers a send and tells listeners only after the WAL was synced', async () => {
  const published: ChatEvent[] = [];
  backend.chat.events.subscribe((e) => void published.push(e));
  let answered = false;
  const synced = nextSync();
  const sending = api.send(token, threadId, 'durable?').then((id) => ((answered = true), id));
  await synced;
  // Committed (readable) but neither answered nor published while the sync is running.
  expect(countMessages()).toBe(1);
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  expect(answered).toBe(false);
  expect(published.filter((e) => e.type === 'chatMessageReceived')).toHaveLength(0);
  held.shift()!.release();
  await sending;
  expect(published.filter((e) => e.type === 'chatMessageReceived')).toHaveLength(1);
});

it('lets concurrent writes share one sync', async () => {
  const before = backend.store.walSync!.syncs;
  const first = nextSync();
  const sends = Array.from({ length: 20 }, (_, i) => api.send(token, threadId, `m${i}`));
  await first;
  // Every send commits while the first sync is held; the rest then share the next one.
  await vi.waitFor(() => expect(countMessages()).toBe(20), { timeout: 5000, interval: 5 });
  while (held.length) held.shift()!.release();
  const second = nextSync();
  await second;
  while (held.length) held.shift()!.release();
  const ids = await Promise.all(sends);
  expect(new Set(ids).size).toBe(20);
  // The first sync covers the first commit; the other 19 share the second.
  expect(backend.store.walSync!.syncs - before).toBe(2);
});

it('answers 503 with an ACS error body when the sync fails, then takes no more writes (fail-stop)', async () => {
  const synced = nextSync();
  const sending = api.chat(token, 'POST', threadPath(threadId, '/messages'), { content: 'disk trouble' });
  await synced;
  held.shift()!.release(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
  expectAcsError(await sending, 503, 'ServiceUnavailable');
  // Linux may have dropped the pages: a later sync proves nothing, so writes are refused before
  // they are made (no retry can duplicate anything), while reads still work.
  onSync = () => held.shift()?.release();
  const before = countMessages();
  expectAcsError(await api.chat(token, 'POST', threadPath(threadId, '/messages'), { content: 'again' }), 503, 'ServiceUnavailable');
  expect(countMessages()).toBe(before);
  expect((await api.chat(token, 'GET', threadPath(threadId, '/messages'))).status).toBe(200);
});
