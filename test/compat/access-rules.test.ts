import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, expectRestError, sdkFixture, type SdkFixture, type SdkUser } from './sdk-fixture.js';

/** The RestError an app sees for each access rule (design.md §4). */
describe('access rules as the SDK reports them', () => {
  let f: SdkFixture;
  let alice: SdkUser;
  let bob: SdkUser;
  let eve: SdkUser;
  let threadId: string;
  beforeAll(async () => {
    f = await sdkFixture();
    [alice, bob, eve] = await Promise.all([f.newUser(), f.newUser(), f.newUser()]);
    threadId = (await alice.chat.createChatThread({ topic: 'private' }, { participants: [{ id: bob.user }] })).chatThread!.id;
  });
  afterAll(() => f.close());

  it('403 Forbidden for a non-participant, whatever it tries', async () => {
    const t = eve.chat.getChatThreadClient(threadId);
    const { id } = await alice.chat.getChatThreadClient(threadId).sendMessage({ content: 'secret' });
    await expectRestError(t.getProperties(), 403, 'Forbidden');
    await expectRestError(collect(t.listMessages()), 403, 'Forbidden');
    await expectRestError(t.getMessage(id), 403, 'Forbidden');
    await expectRestError(t.sendMessage({ content: 'let me in' }), 403, 'Forbidden');
    await expectRestError(t.addParticipants({ participants: [{ id: eve.user }] }), 403, 'Forbidden');
    await expectRestError(eve.chat.deleteChatThread(threadId), 403, 'Forbidden');
    expect(await collect(eve.chat.listChatThreads())).toEqual([]);
  });

  it('403 Forbidden when editing or deleting someone else’s message', async () => {
    const { id } = await alice.chat.getChatThreadClient(threadId).sendMessage({ content: 'mine' });
    const asBob = bob.chat.getChatThreadClient(threadId);
    await expectRestError(asBob.updateMessage(id, { content: 'yours now' }), 403, 'Forbidden');
    await expectRestError(asBob.deleteMessage(id), 403, 'Forbidden');
    expect((await asBob.getMessage(id)).content?.message).toBe('mine');
  });

  it('404 NotFound for an unknown thread or message', async () => {
    await expectRestError(alice.chat.getChatThreadClient('19:unknown@thread.v2').getProperties(), 404, 'NotFound');
    await expectRestError(alice.chat.deleteChatThread('19:unknown@thread.v2'), 404, 'NotFound');
    await expectRestError(alice.chat.getChatThreadClient(threadId).getMessage('1'), 404, 'NotFound');
  });

  it('401 Unauthorized with a revoked token', async () => {
    await f.identity.revokeTokens(bob.user);
    await expectRestError(bob.chat.getChatThreadClient(threadId).getProperties(), 401, 'Unauthorized');
    await expectRestError(collect(bob.chat.listChatThreads()), 401, 'Unauthorized');
  });

  it('a removed participant reads history up to the removal but cannot send', async () => {
    const carol = await f.newUser();
    const t = alice.chat.getChatThreadClient(threadId);
    await t.addParticipants({ participants: [{ id: carol.user }] });
    const before = await t.sendMessage({ content: 'before' });
    await t.removeParticipant(carol.user);
    const after = await t.sendMessage({ content: 'after' });
    const asCarol = carol.chat.getChatThreadClient(threadId);
    const seen = (await collect(asCarol.listMessages())).map((m) => m.id);
    expect(seen).toContain(before.id);
    expect(seen).not.toContain(after.id);
    await expectRestError(asCarol.getMessage(after.id), 404, 'NotFound');
    await expectRestError(asCarol.sendMessage({ content: 'still here?' }), 403, 'Forbidden');
  });
});
