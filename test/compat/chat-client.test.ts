import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, expectRestError, sdkFixture, type SdkFixture, type SdkUser } from './sdk-fixture.js';

describe('ChatClient against parley', () => {
  let f: SdkFixture;
  let alice: SdkUser;
  let bob: SdkUser;
  beforeAll(async () => {
    f = await sdkFixture();
    [alice, bob] = await Promise.all([f.newUser(), f.newUser()]);
  });
  afterAll(() => f.close());

  it('createChatThread returns the thread with participants, metadata and retention policy', async () => {
    const result = await alice.chat.createChatThread(
      { topic: 'Lunch' },
      {
        participants: [{ id: bob.user, displayName: 'Bob' }],
        metadata: { project: 'parley' },
        retentionPolicy: { kind: 'threadCreationDate', deleteThreadAfterDays: 40 },
      },
    );
    expect(result.invalidParticipants).toBeUndefined();
    const thread = result.chatThread!;
    expect(thread).toMatchObject({
      topic: 'Lunch',
      createdBy: { kind: 'communicationUser', communicationUserId: alice.user.communicationUserId },
      metadata: { project: 'parley' },
      retentionPolicy: { kind: 'threadCreationDate', deleteThreadAfterDays: 40 },
    });
    expect(thread.id).toMatch(/^19:.+@thread\.v2$/);
    expect(thread.createdOn).toBeInstanceOf(Date);
    expect(Math.abs(thread.createdOn.getTime() - Date.now())).toBeLessThan(60_000);
    const members = await collect(bob.chat.getChatThreadClient(thread.id).listParticipants());
    expect(members.map((p) => p.displayName)).toContain('Bob');
  });

  it('createChatThread reports unknown users as invalidParticipants', async () => {
    const ghost = { communicationUserId: `8:acs:${f.backend.resourceId}_00000000-0000-4000-8000-000000000000` };
    const { chatThread, invalidParticipants } = await alice.chat.createChatThread({ topic: 'partial' }, { participants: [{ id: bob.user }, { id: ghost }] });
    expect(invalidParticipants).toEqual([expect.objectContaining({ code: '404', target: ghost.communicationUserId })]);
    const ids = (await collect(alice.chat.getChatThreadClient(chatThread!.id).listParticipants())).map((p) => (p.id as { communicationUserId: string }).communicationUserId);
    expect(ids.sort()).toEqual([alice.user.communicationUserId, bob.user.communicationUserId].sort());
  });

  it('createChatThread with the same idempotencyToken replays the first result', async () => {
    const carol = await f.newUser();
    const first = await carol.chat.createChatThread({ topic: 'once' }, { idempotencyToken: 'fixed-token-1' });
    const again = await carol.chat.createChatThread({ topic: 'once' }, { idempotencyToken: 'fixed-token-1' });
    expect(again.chatThread?.id).toBe(first.chatThread?.id);
    const other = await carol.chat.createChatThread({ topic: 'once' });
    expect(other.chatThread?.id).not.toBe(first.chatThread?.id);
    expect(await collect(carol.chat.listChatThreads())).toHaveLength(2);
  });

  it('listChatThreads lists only the caller’s threads, by page and from a startTime', async () => {
    const dave = await f.newUser();
    const ids: string[] = [];
    for (const topic of ['a', 'b', 'c']) ids.push((await dave.chat.createChatThread({ topic })).chatThread!.id);
    const items = await collect(dave.chat.listChatThreads());
    expect(items.map((t) => t.id).sort()).toEqual([...ids].sort());
    expect(items.every((t) => ['a', 'b', 'c'].includes(t.topic))).toBe(true);
    const pages = await collect(dave.chat.listChatThreads({ maxPageSize: 2 }).byPage());
    expect(pages.map((p) => p.length)).toEqual([2, 1]);
    expect(pages.flat().map((t) => t.id).sort()).toEqual([...ids].sort());
    expect(await collect(dave.chat.listChatThreads({ startTime: new Date(Date.now() + 3_600_000) }))).toEqual([]);
    expect(await collect(dave.chat.listChatThreads({ startTime: new Date(Date.now() - 3_600_000) }))).toHaveLength(3);
  });

  it('getChatThreadClient works on an existing thread', async () => {
    const { chatThread } = await alice.chat.createChatThread({ topic: 'via client' });
    const client = alice.chat.getChatThreadClient(chatThread!.id);
    expect(client.threadId).toBe(chatThread!.id);
    expect((await client.getProperties()).topic).toBe('via client');
  });

  it('deleteChatThread deletes it for everyone', async () => {
    const { chatThread } = await alice.chat.createChatThread({ topic: 'doomed' }, { participants: [{ id: bob.user }] });
    await bob.chat.deleteChatThread(chatThread!.id);
    await expectRestError(alice.chat.getChatThreadClient(chatThread!.id).getProperties(), 404, 'NotFound');
    await expectRestError(bob.chat.getChatThreadClient(chatThread!.id).sendMessage({ content: 'hello?' }), 404, 'NotFound');
  });
});
