import type { ChatThreadClient } from '@azure/communication-chat';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collect, sdkFixture, type SdkFixture, type SdkUser } from './sdk-fixture.js';

const idOf = (p: { id: unknown }) => (p.id as { communicationUserId: string }).communicationUserId;

describe('ChatThreadClient against parley', () => {
  let f: SdkFixture;
  let alice: SdkUser;
  let bob: SdkUser;
  let thread: ChatThreadClient;
  let bobThread: ChatThreadClient;
  beforeAll(async () => {
    f = await sdkFixture();
    [alice, bob] = await Promise.all([f.newUser(), f.newUser()]);
  });
  afterAll(() => f.close());
  beforeEach(async () => {
    const { chatThread } = await alice.chat.createChatThread({ topic: 'Lunch' }, { participants: [{ id: bob.user, displayName: 'Bob' }] });
    thread = alice.chat.getChatThreadClient(chatThread!.id);
    bobThread = bob.chat.getChatThreadClient(chatThread!.id);
  });

  it('getProperties, updateTopic and updateProperties (topic, metadata merge, retention)', async () => {
    const props = await bobThread.getProperties();
    expect(props).toMatchObject({ id: thread.threadId, topic: 'Lunch' });
    await bobThread.updateTopic('Dinner');
    expect((await thread.getProperties()).topic).toBe('Dinner');
    await thread.updateProperties({ metadata: { a: '1', b: '2' } });
    await thread.updateProperties({ topic: 'Late dinner', metadata: { b: '3' }, retentionPolicy: { kind: 'threadCreationDate', deleteThreadAfterDays: 60 } });
    expect(await thread.getProperties()).toMatchObject({
      topic: 'Late dinner',
      metadata: { a: '1', b: '3' },
      retentionPolicy: { kind: 'threadCreationDate', deleteThreadAfterDays: 60 },
    });
    await thread.updateProperties({ retentionPolicy: { kind: 'none' } });
    expect((await thread.getProperties()).retentionPolicy).toEqual({ kind: 'none' });
    const topics = (await collect(thread.listMessages())).filter((m) => m.type === 'topicUpdated').map((m) => m.content?.topic);
    expect(topics).toEqual(['Late dinner', 'Dinner', 'Lunch']);
  });

  it('sendMessage (text, html, metadata) and getMessage', async () => {
    const text = await thread.sendMessage({ content: 'plain <b>text</b>' });
    const html = await thread.sendMessage(
      { content: '<p>hi <b>Bob</b><img src=x onerror="alert(1)"><script>steal()</script></p>' },
      { type: 'html', senderDisplayName: 'Alice', metadata: { tag: 'x' } },
    );
    const plain = await bobThread.getMessage(text.id);
    expect(plain).toMatchObject({ id: text.id, type: 'text', version: text.id, content: { message: 'plain <b>text</b>' }, senderDisplayName: '' });
    expect(plain.sender).toEqual({ kind: 'communicationUser', communicationUserId: alice.user.communicationUserId });
    expect(Number(plain.sequenceId)).toBe(3);
    const rich = await bobThread.getMessage(html.id);
    expect(rich).toMatchObject({ type: 'html', senderDisplayName: 'Alice', metadata: { tag: 'x' }, content: { message: '<p>hi <b>Bob</b><img src="x" /></p>' } });
    expect(rich.createdOn).toBeInstanceOf(Date);
  });

  it('listMessages: newest first, system messages included, byPage with maxPageSize and startTime', async () => {
    const sent: string[] = [];
    for (let i = 0; i < 3; i++) sent.push((await thread.sendMessage({ content: `m${i}` })).id);
    const all = await collect(thread.listMessages());
    expect(all.map((m) => m.type)).toEqual(['text', 'text', 'text', 'topicUpdated', 'participantAdded']);
    expect(all.slice(0, 3).map((m) => m.id)).toEqual([...sent].reverse());
    const added = all[4]!;
    expect(added.content?.participants?.map(idOf).sort()).toEqual([alice.user.communicationUserId, bob.user.communicationUserId].sort());
    expect(added.content?.initiator).toEqual({ kind: 'communicationUser', communicationUserId: alice.user.communicationUserId });
    const pages = await collect(bobThread.listMessages({ maxPageSize: 2 }).byPage());
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat().map((m) => m.id)).toEqual(all.map((m) => m.id));
    const first = all.find((m) => m.id === sent[0])!;
    const since = await collect(thread.listMessages({ startTime: first.createdOn, maxPageSize: 1 }));
    expect(since.map((m) => m.id)).toEqual(expect.arrayContaining([sent[1], sent[2]]));
    expect(since.map((m) => m.type)).not.toContain('participantAdded');
  });

  it('updateMessage changes content and metadata, bumps the version and sets editedOn', async () => {
    const { id } = await thread.sendMessage({ content: 'first' }, { metadata: { tag: 'x', keep: 'y' } });
    await thread.updateMessage(id, { content: 'second', metadata: { tag: 'z' } });
    const m = await bobThread.getMessage(id);
    expect(m).toMatchObject({ id, content: { message: 'second' }, metadata: { tag: 'z', keep: 'y' } });
    expect(Number(m.version)).toBeGreaterThan(Number(id));
    expect(m.editedOn).toBeInstanceOf(Date);
  });

  it('deleteMessage marks the message deleted in the list', async () => {
    const { id } = await thread.sendMessage({ content: 'oops' });
    await thread.deleteMessage(id);
    const listed = (await collect(bobThread.listMessages())).find((m) => m.id === id);
    expect(listed?.deletedOn).toBeInstanceOf(Date);
    expect(listed?.content?.message).toBeUndefined();
  });

  it('addParticipants (with an invalid one), listParticipants by page with skip, removeParticipant', async () => {
    const [carol, dave] = await Promise.all([f.newUser(), f.newUser()]);
    const ghost = { communicationUserId: `8:acs:${f.backend.resourceId}_00000000-0000-4000-8000-000000000001` };
    const result = await bobThread.addParticipants({
      participants: [{ id: carol.user, displayName: 'Carol' }, { id: dave.user, shareHistoryTime: new Date(0) }, { id: ghost }],
    });
    expect(result.invalidParticipants).toEqual([expect.objectContaining({ code: '404', target: ghost.communicationUserId })]);
    const everyone = await collect(thread.listParticipants());
    expect(everyone.map(idOf).sort()).toEqual([alice, bob, carol, dave].map((u) => u.user.communicationUserId).sort());
    expect(everyone.find((p) => idOf(p) === carol.user.communicationUserId)?.displayName).toBe('Carol');
    const pages = await collect(thread.listParticipants({ maxPageSize: 2, skip: 1 }).byPage());
    expect(pages.map((p) => p.length)).toEqual([2, 1]);
    expect(pages.flat().map(idOf)).toEqual(everyone.slice(1).map(idOf));

    await thread.removeParticipant(carol.user);
    expect((await collect(thread.listParticipants())).map(idOf)).not.toContain(carol.user.communicationUserId);
    const [removed] = await collect(thread.listMessages({ maxPageSize: 1 }));
    expect(removed).toMatchObject({ type: 'participantRemoved' });
    expect(removed!.content?.participants?.map(idOf)).toEqual([carol.user.communicationUserId]);
  });

  it('sendReadReceipt and listReadReceipts', async () => {
    const { id } = await thread.sendMessage({ content: 'read me' });
    await bobThread.sendReadReceipt({ chatMessageId: id });
    const receipts = await collect(thread.listReadReceipts());
    expect(receipts).toHaveLength(1);
    expect(receipts[0]).toMatchObject({ chatMessageId: id, sender: { kind: 'communicationUser', communicationUserId: bob.user.communicationUserId } });
    expect(receipts[0]!.readOn).toBeInstanceOf(Date);
    const pages = await collect(thread.listReadReceipts({ maxPageSize: 1, skip: 0 }).byPage());
    expect(pages.map((p) => p.length)).toEqual([1]);
  });

  it('sendTypingNotification is accepted (and throttled by the SDK itself)', async () => {
    expect(await bobThread.sendTypingNotification({ senderDisplayName: 'Bob' })).toBe(true);
    expect(await bobThread.sendTypingNotification()).toBe(false);
    expect(await thread.sendTypingNotification()).toBe(true);
  });
});
