import { CommunicationIdentityClient } from '@azure/communication-identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, expectRestError, sdkFixture, type SdkFixture } from './sdk-fixture.js';

const MINUTE = 60_000;

describe('CommunicationIdentityClient against parley', () => {
  let f: SdkFixture;
  beforeAll(async () => {
    f = await sdkFixture();
  });
  afterAll(() => f.close());

  it('createUser returns a fresh ACS user id', async () => {
    const [a, b] = await Promise.all([f.identity.createUser(), f.identity.createUser()]);
    expect(a.communicationUserId).toMatch(new RegExp(`^8:acs:${f.backend.resourceId}_[0-9a-f-]{36}$`));
    expect(a.communicationUserId).not.toBe(b.communicationUserId);
  });

  it('createUserAndToken returns a user and a 24-hour chat token that works', async () => {
    const { user, token, expiresOn } = await f.identity.createUserAndToken(['chat']);
    expect(Math.abs(expiresOn.getTime() - (Date.now() + 24 * 60 * MINUTE))).toBeLessThan(MINUTE);
    const { chatThread } = await f.chatClient(token).createChatThread({ topic: 'mine' });
    expect(chatThread?.createdBy).toEqual({ kind: 'communicationUser', communicationUserId: user.communicationUserId });
  });

  it('getToken honours scopes and tokenExpiresInMinutes', async () => {
    const user = await f.identity.createUser();
    const short = await f.identity.getToken(user, ['chat', 'voip'], { tokenExpiresInMinutes: 60 });
    expect(Math.abs(short.expiresOn.getTime() - (Date.now() + 60 * MINUTE))).toBeLessThan(MINUTE);
    await f.chatClient(short.token).createChatThread({ topic: 'ok' });
    const voipOnly = await f.identity.getToken(user, ['voip']);
    // Issue 9, item 17: insufficient scope is 403 Forbidden (a valid token, not allowed), not 401.
    await expectRestError(f.chatClient(voipOnly.token).createChatThread({ topic: 'no chat scope' }), 403, 'Forbidden');
  });

  it('revokeTokens invalidates earlier tokens only', async () => {
    const { user, token } = await f.identity.createUserAndToken(['chat']);
    const { chatThread } = await f.chatClient(token).createChatThread({ topic: 'before revoke' });
    await f.identity.revokeTokens(user);
    await expectRestError(f.chatClient(token).getChatThreadClient(chatThread!.id).getProperties(), 401, 'Unauthorized');
    const fresh = await f.identity.getToken(user, ['chat']);
    const threads = await collect(f.chatClient(fresh.token).listChatThreads());
    expect(threads.map((t) => t.id)).toEqual([chatThread!.id]);
  });

  it('deleteUser makes its tokens useless and the user unknown', async () => {
    const { user, token } = await f.identity.createUserAndToken(['chat']);
    await f.identity.deleteUser(user);
    await expectRestError(collect(f.chatClient(token).listChatThreads()), 401, 'Unauthorized');
    await expectRestError(f.identity.getToken(user, ['chat']), 404, 'NotFound');
    await expectRestError(f.identity.deleteUser(user), 404, 'NotFound');
  });

  it('a connection string with another key is denied', async () => {
    const wrong = new CommunicationIdentityClient(`endpoint=${f.backend.url}/;accesskey=${Buffer.alloc(32, 9).toString('base64')}`);
    await expectRestError(wrong.createUser(), 401, 'Denied');
  });
});
