import type { ChatMessage } from '@azure/communication-chat';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectWithToken } from '../support/realtime-client.js';
import { collect, expectRestError, sdkFixture, type SdkFixture, type SdkUser } from './sdk-fixture.js';

/**
 * Issue 9, item 6: after its removal a participant learns nothing newer — not over the WebSocket,
 * not through any REST read. Its history ends at the removal and stays as it was then.
 */
let f: SdkFixture;
let alice: SdkUser;
let carol: SdkUser;
beforeAll(async () => {
  f = await sdkFixture();
  [alice, carol] = await Promise.all([f.newUser(), f.newUser()]);
});
afterAll(() => f.close());

const texts = (messages: ChatMessage[]) => messages.filter((m) => m.type === 'text').map((m) => m.content?.message);

it('a removed participant sees the thread frozen at its removal, over REST and WebSocket', async () => {
  const { chatThread } = await alice.chat.createChatThread({ topic: 'Before' }, { participants: [{ id: carol.user }], metadata: { stage: 'one' } });
  const threadId = chatThread!.id;
  // A second thread carol stays in: its message is the marker that everything before it was delivered.
  const { chatThread: other } = await alice.chat.createChatThread({ topic: 'Other' }, { participants: [{ id: carol.user }] });
  const asAlice = alice.chat.getChatThreadClient(threadId);
  const asCarol = carol.chat.getChatThreadClient(threadId);
  const ws = await connectWithToken(f.backend, carol.token);

  const kept = await asAlice.sendMessage({ content: 'kept as it was' }, { metadata: { v: '1' } });
  const editedTwice = await asAlice.sendMessage({ content: 'draft' });
  await asAlice.updateMessage(editedTwice.id, { content: 'first edit' });
  const deletedLater = await asAlice.sendMessage({ content: 'deleted after the removal' });
  await asAlice.sendReadReceipt({ chatMessageId: kept.id });
  await asAlice.removeParticipant(carol.user);
  await ws.waitForType('participantsRemoved', { threadId });
  const removedAt = ws.frames.length;
  const seenAtRemoval = await collect(asCarol.listMessages());
  const threadsAtRemoval = (await collect(carol.chat.listChatThreads())).find((t) => t.id === threadId);

  // Everything that happens afterwards.
  await asAlice.updateProperties({ topic: 'After', metadata: { stage: 'two' } });
  await asAlice.updateMessage(kept.id, { content: 'rewritten later', metadata: { v: '2' } });
  await asAlice.updateMessage(editedTwice.id, { content: 'second edit' });
  await asAlice.deleteMessage(deletedLater.id);
  const later = await asAlice.sendMessage({ content: 'sent after the removal' });
  await asAlice.sendReadReceipt({ chatMessageId: later.id });
  await asAlice.sendTypingNotification();
  const marker = await alice.chat.getChatThreadClient(other!.id).sendMessage({ content: 'marker' });

  // WebSocket: nothing of the thread after its own participantsRemoved.
  const after = await ws.framesBefore((fr) => fr.type === 'chatMessageReceived' && fr.payload.id === marker.id, removedAt);
  expect(after.filter((fr) => fr.payload.threadId === threadId).map((fr) => fr.type)).toEqual([]);
  await ws.close();

  // REST: thread properties as at the removal.
  const props = await asCarol.getProperties();
  expect(props.topic).toBe('Before');
  expect(props.metadata).toEqual({ stage: 'one' });
  const listed = (await collect(carol.chat.listChatThreads())).find((t) => t.id === threadId);
  expect(listed).toEqual(threadsAtRemoval);
  expect(listed?.topic).toBe('Before');

  // REST: messages as at the removal — no later edits, deletions or messages.
  const history = await collect(asCarol.listMessages());
  expect(texts(history)).toEqual(['first edit', 'kept as it was']);
  expect(history.map((m) => m.id)).toEqual(seenAtRemoval.map((m) => m.id).filter((id) => id !== deletedLater.id));
  const keptSeen = await asCarol.getMessage(kept.id);
  expect(keptSeen.content?.message).toBe('kept as it was');
  expect(keptSeen.metadata).toEqual({ v: '1' });
  expect(keptSeen.editedOn).toBeUndefined();
  expect(keptSeen.version).toBe(seenAtRemoval.find((m) => m.id === kept.id)!.version);
  expect((await asCarol.getMessage(editedTwice.id)).content?.message).toBe('first edit');
  await expectRestError(asCarol.getMessage(deletedLater.id), 404, 'NotFound');
  await expectRestError(asCarol.getMessage(later.id), 404, 'NotFound');

  // Resuming from the removal finds nothing newer; receipts and participants are not theirs to read.
  const since = history[0]!.createdOn;
  expect(await collect(asCarol.listMessages({ startTime: since }))).toEqual([]);
  await expectRestError(collect(asCarol.listReadReceipts()), 403, 'Forbidden');
  await expectRestError(collect(asCarol.listParticipants()), 403, 'Forbidden');

  // Current participants see every change.
  expect((await asAlice.getProperties()).topic).toBe('After');
  expect((await asAlice.getMessage(kept.id)).content?.message).toBe('rewritten later');
});

it('pages a removed participant’s history exactly, whatever was hidden', async () => {
  const dave = await f.newUser();
  const { chatThread } = await alice.chat.createChatThread({ topic: 'Paging' }, { participants: [{ id: dave.user }] });
  const asAlice = alice.chat.getChatThreadClient(chatThread!.id);
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) ids.push((await asAlice.sendMessage({ content: `m${i}` })).id);
  await asAlice.removeParticipant(dave.user);
  for (const id of ids.slice(1, 6)) await asAlice.deleteMessage(id);

  const asDave = dave.chat.getChatThreadClient(chatThread!.id);
  const pages: string[][] = [];
  for await (const page of asDave.listMessages({ maxPageSize: 2 }).byPage()) pages.push(page.map((m) => m.id));
  const all = pages.flat();
  expect(new Set(all).size).toBe(all.length);
  expect(all).toContain(ids[0]);
  expect(all).toContain(ids[6]);
  for (const id of ids.slice(1, 6)) expect(all).not.toContain(id);
  expect(pages.slice(0, -1).every((p) => p.length === 2)).toBe(true);
});

it('a participant added again sees everything again', async () => {
  const erin = await f.newUser();
  const { chatThread } = await alice.chat.createChatThread({ topic: 'Back' }, { participants: [{ id: erin.user }] });
  const asAlice = alice.chat.getChatThreadClient(chatThread!.id);
  const m = await asAlice.sendMessage({ content: 'v1' });
  await asAlice.removeParticipant(erin.user);
  await asAlice.updateMessage(m.id, { content: 'v2' });
  await asAlice.updateTopic('Back again');
  await asAlice.addParticipants({ participants: [{ id: erin.user }] });
  const asErin = erin.chat.getChatThreadClient(chatThread!.id);
  expect((await asErin.getMessage(m.id)).content?.message).toBe('v2');
  expect((await asErin.getProperties()).topic).toBe('Back again');
});
