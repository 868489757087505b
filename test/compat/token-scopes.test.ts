import type { ChatClient } from '@azure/communication-chat';
import type { CommunicationUserIdentifier } from '@azure/communication-common';
import type { TokenScope } from '@azure/communication-identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, expectRestError, sdkFixture, type SdkFixture, type SdkUser } from './sdk-fixture.js';

/**
 * The Identity API's scopes as chat apps meet them (issue 9, items 12 and 17): `chat` does
 * everything; `chat.join` everything but create, update or delete threads; `chat.join.limited` also
 * not add or remove participants; a token with no chat scope is refused. Every scope failure is a
 * 403 Forbidden (the token is valid; it does not allow this), never a 401.
 */
describe('token scopes', () => {
  let f: SdkFixture;
  let owner: SdkUser;
  beforeAll(async () => {
    f = await sdkFixture();
    owner = await f.newUser();
  });
  afterAll(() => f.close());

  async function userWith(scopes: TokenScope[]): Promise<{ user: CommunicationUserIdentifier; chat: ChatClient }> {
    const user = await f.identity.createUser();
    const { token } = await f.identity.getToken(user, scopes);
    return { user, chat: f.chatClient(token) };
  }

  /** A thread made by the owner with `member` in it. */
  async function threadWith(member: CommunicationUserIdentifier): Promise<string> {
    const { chatThread } = await owner.chat.createChatThread({ topic: 'scoped' }, { participants: [{ id: member }] });
    return chatThread!.id;
  }

  it.each([['chat.join'], ['chat.join.limited']] as const)('%s: sends, reads, receipts and typing work', async (scope) => {
    const { user, chat } = await userWith([scope]);
    const threadId = await threadWith(user);
    const t = chat.getChatThreadClient(threadId);
    const { id } = await t.sendMessage({ content: `hello with ${scope}` });
    await t.updateMessage(id, { content: 'edited' });
    expect((await t.getMessage(id)).content?.message).toBe('edited');
    expect((await collect(t.listMessages())).map((m) => m.id)).toContain(id);
    expect((await t.getProperties()).topic).toBe('scoped');
    expect(await collect(t.listParticipants())).toHaveLength(2);
    await t.sendReadReceipt({ chatMessageId: id });
    expect((await collect(t.listReadReceipts())).map((r) => r.chatMessageId)).toContain(id);
    await t.sendTypingNotification();
    expect((await collect(chat.listChatThreads())).map((x) => x.id)).toContain(threadId);
    await t.deleteMessage(id);
  });

  it.each([['chat.join'], ['chat.join.limited']] as const)('%s: creating, updating or deleting a thread is 403', async (scope) => {
    const { user, chat } = await userWith([scope]);
    const threadId = await threadWith(user);
    const t = chat.getChatThreadClient(threadId);
    await expectRestError(chat.createChatThread({ topic: 'mine' }), 403, 'Forbidden');
    await expectRestError(t.updateTopic('renamed'), 403, 'Forbidden');
    await expectRestError(t.updateProperties({ metadata: { k: 'v' } }), 403, 'Forbidden');
    await expectRestError(chat.deleteChatThread(threadId), 403, 'Forbidden');
    const thread = await owner.chat.getChatThreadClient(threadId).getProperties();
    expect(thread.topic).toBe('scoped');
    expect(thread.metadata ?? {}).toEqual({});
  });

  it('chat.join adds and removes participants; chat.join.limited gets 403 for both', async () => {
    const joiner = await userWith(['chat.join']);
    const limited = await userWith(['chat.join.limited']);
    const carol = await f.newUser();
    const threadId = await threadWith(joiner.user);
    await owner.chat.getChatThreadClient(threadId).addParticipants({ participants: [{ id: limited.user }] });

    const asLimited = limited.chat.getChatThreadClient(threadId);
    await expectRestError(asLimited.addParticipants({ participants: [{ id: carol.user }] }), 403, 'Forbidden');
    await expectRestError(asLimited.removeParticipant(joiner.user), 403, 'Forbidden');

    const asJoiner = joiner.chat.getChatThreadClient(threadId);
    await asJoiner.addParticipants({ participants: [{ id: carol.user }] });
    await asJoiner.removeParticipant(carol.user);
    const ids = (await collect(asJoiner.listParticipants())).map((p) => (p.id as CommunicationUserIdentifier).communicationUserId);
    expect(ids.sort()).toEqual([owner.user, joiner.user, limited.user].map((u) => u.communicationUserId).sort());
  });

  it('a token with several scopes gets the widest', async () => {
    const { chat } = await userWith(['chat.join.limited', 'chat']);
    const { chatThread } = await chat.createChatThread({ topic: 'full access' });
    expect(chatThread?.topic).toBe('full access');
  });

  it('a voip-only token gets 403 Forbidden on every chat call, not 401', async () => {
    const { user, chat } = await userWith(['voip']);
    const threadId = await threadWith(user);
    const t = chat.getChatThreadClient(threadId);
    await expectRestError(chat.createChatThread({ topic: 'no chat scope' }), 403, 'Forbidden');
    await expectRestError(collect(chat.listChatThreads()), 403, 'Forbidden');
    await expectRestError(t.getProperties(), 403, 'Forbidden');
    await expectRestError(t.sendMessage({ content: 'x' }), 403, 'Forbidden');
    const err = await t.sendMessage({ content: 'x' }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/chat scope/);
    const { chat: voipJoin } = await userWith(['voip.join']);
    await expectRestError(collect(voipJoin.listChatThreads()), 403, 'Forbidden');
  });
});
