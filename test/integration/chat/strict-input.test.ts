import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';
import { connectUser } from '../../support/realtime-client.js';
import { Api, CHAT_V, expectAcsError, threadPath } from './api.js';

/**
 * Input the SDKs never send but the swagger and RFCs rule out (issue 9, items 13–16): each is
 * refused with 400 and the ACS error body, and nothing changes.
 */
describe('strict input', () => {
  let backend: TestBackend;
  let api: Api;
  let alice: { id: string; token: string };
  let bob: { id: string; token: string };
  let threadId: string;
  beforeAll(async () => {
    backend = await startTestBackend();
    api = new Api(backend);
    [alice, bob] = await Promise.all([api.createUser(), api.createUser()]);
    threadId = await api.createThread(alice.token, [bob.id], 'Strict');
  });
  afterAll(() => backend.close());

  const messagePath = (id: string) => threadPath(threadId, `/messages/${id}`);
  const getMessage = async (id: string) => (await api.chat(alice.token, 'GET', messagePath(id))).json;
  const patch = (path: string, body: string | undefined) =>
    api.chat(alice.token, 'PATCH', path, body, body === undefined ? {} : { 'content-type': 'application/merge-patch+json' });

  describe('PATCH without a body (item 13)', () => {
    it('refuses a message PATCH with no body or null: 400, the message unchanged', async () => {
      const id = await api.send(alice.token, threadId, 'original');
      const before = await getMessage(id);
      for (const body of [undefined, 'null', ' null ']) {
        const res = await patch(messagePath(id), body);
        expectAcsError(res, 400, 'BadRequest');
        expect(res.json.error.message).toMatch(/body is required/);
      }
      expect(await getMessage(id)).toEqual(before);
      expect(before.editedOn).toBeUndefined();
    });

    it('refuses a thread PATCH with no body or null: 400, no topic change, no system message', async () => {
      const count = async () => (await api.chat(alice.token, 'GET', threadPath(threadId, '/messages'))).json.value.length;
      const n = await count();
      for (const body of [undefined, 'null']) expectAcsError(await patch(threadPath(threadId), body), 400, 'BadRequest');
      expect((await api.chat(alice.token, 'GET', threadPath(threadId))).json.topic).toBe('Strict');
      expect(await count()).toBe(n);
    });

    it('takes an empty {} as no change: 204, same version, no editedOn, no event', async () => {
      const ws = await connectUser(backend, bob.id);
      const id = await api.send(alice.token, threadId, 'keep me');
      await ws.waitForType('chatMessageReceived', { id });
      const before = await getMessage(id);
      const threadBefore = (await api.chat(alice.token, 'GET', threadPath(threadId))).json;
      const from = ws.frames.length;

      expect((await patch(messagePath(id), '{}')).status).toBe(204);
      expect((await patch(messagePath(id), '{"metadata":{}}')).status).toBe(204);
      expect((await patch(threadPath(threadId), '{}')).status).toBe(204);
      expect(await getMessage(id)).toEqual(before);
      expect((await api.chat(alice.token, 'GET', threadPath(threadId))).json).toEqual(threadBefore);

      const marker = await api.send(alice.token, threadId, 'marker');
      const between = await ws.framesBefore((f) => f.type === 'chatMessageReceived' && f.payload.id === marker, from);
      expect(between.map((f) => f.type)).toEqual([]);
      await ws.close();
    });
  });

  describe('invalid UTF-8 (item 14)', () => {
    const send = (bytes: Buffer) =>
      fetch(`${backend.url}${threadPath(threadId, '/messages')}?api-version=${CHAT_V}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
        body: new Uint8Array(bytes),
      });

    it.each([
      ['a lone continuation byte', Buffer.from([0x80])],
      ['a truncated sequence', Buffer.from([0xe2, 0x82])],
      ['an overlong encoding', Buffer.from([0xc0, 0xaf])],
      ['a UTF-16 surrogate', Buffer.from([0xed, 0xa0, 0x80])],
    ])('refuses %s inside a JSON string: 400, nothing stored', async (_, bad) => {
      const body = Buffer.concat([Buffer.from('{"content":"a'), bad, Buffer.from('b"}')]);
      const res = await send(body);
      expect(res.status).toBe(400);
      const json = (await res.json()) as { error: { code: string; message: string } };
      expect(json.error).toEqual({ code: 'InvalidJson', message: expect.stringMatching(/UTF-8/) });
      const recent = (await api.chat(alice.token, 'GET', threadPath(threadId, '/messages?maxPageSize=1&api-version=' + CHAT_V))).json;
      expect(recent.value[0].content.message ?? '').not.toContain('\ufffd');
    });

    it('still takes valid multi-byte UTF-8', async () => {
      const res = await send(Buffer.from(JSON.stringify({ content: 'añ€😀' }), 'utf8'));
      expect(res.status).toBe(201);
      const { id } = (await res.json()) as { id: string };
      expect((await getMessage(id)).content.message).toBe('añ€😀');
    });
  });

  describe('dates and integers as the swagger types them (item 15)', () => {
    const list = (query: string) => api.chat(alice.token, 'GET', `${threadPath(threadId, '/messages')}?api-version=${CHAT_V}&${query}`);

    it.each(['01/02/2030', '2020', '2020-01-01', '2021-02-30T00:00:00Z', '2020-01-01T24:00:00Z', 'yesterday', '1700000000000'])(
      'refuses startTime=%s: 400',
      async (value) => {
        const res = await list(`startTime=${encodeURIComponent(value)}`);
        expectAcsError(res, 400, 'BadRequest');
        expect(res.json.error.message).toMatch(/RFC 3339/);
        expectAcsError(await api.chat(alice.token, 'GET', `/chat/threads?api-version=${CHAT_V}&startTime=${encodeURIComponent(value)}`), 400);
      },
    );

    it('takes RFC 3339 date-times with offsets and fractions, and 0', async () => {
      for (const value of ['2020-01-01T00:00:00Z', '2020-01-01T01:00:00.123456+01:00', '2020-01-01t00:00:00z', '0']) {
        expect((await list(`startTime=${encodeURIComponent(value)}`)).status, value).toBe(200);
      }
    });

    it('refuses a shareHistoryTime that is not RFC 3339: 400', async () => {
      const carol = await api.createUser();
      const res = await api.chat(alice.token, 'POST', threadPath(threadId, '/participants/:add'), {
        participants: [{ communicationIdentifier: { rawId: carol.id }, shareHistoryTime: '01/02/2030' }],
      });
      expectAcsError(res, 400, 'BadRequest');
    });

    it('refuses maxPageSize and skip beyond int32: 400; the int32 maximum is fine', async () => {
      const big = '2147483648';
      expectAcsError(await list(`maxPageSize=${big}`), 400, 'BadRequest');
      expectAcsError(await list('maxPageSize=99999999999999999999999'), 400, 'BadRequest');
      expectAcsError(await api.chat(alice.token, 'GET', `/chat/threads?api-version=${CHAT_V}&maxPageSize=${big}`), 400);
      for (const path of ['/participants', '/readReceipts']) {
        const base = `${threadPath(threadId, path)}?api-version=${CHAT_V}`;
        expectAcsError(await api.chat(alice.token, 'GET', `${base}&skip=${big}`), 400, 'BadRequest');
        expectAcsError(await api.chat(alice.token, 'GET', `${base}&maxPageSize=${big}`), 400, 'BadRequest');
        expect((await api.chat(alice.token, 'GET', `${base}&skip=2147483647&maxPageSize=2147483647`)).status).toBe(200);
      }
      expect((await list('maxPageSize=2147483647')).status).toBe(200);
    });
  });

  describe('identifiers without rawId (item 16)', () => {
    const phone = { phoneNumber: { value: '+14255550123' } };
    const teamsUser = { microsoftTeamsUser: { userId: '45ab2481-1c1c-4005-be24-0ffb879b1130', isAnonymous: false, cloud: 'public' } };

    it('adds: each non-ACS kind is an invalid participant whose message names the supported kind', async () => {
      const carol = await api.createUser();
      const res = await api.chat(alice.token, 'POST', threadPath(threadId, '/participants/:add'), {
        participants: [
          { communicationIdentifier: phone },
          { communicationIdentifier: teamsUser },
          { communicationIdentifier: { communicationUser: { id: carol.id } } },
        ],
      });
      expect(res.status, res.text).toBe(201);
      expect(res.json.invalidParticipants).toEqual([
        { target: '4:+14255550123', code: '403', message: expect.stringMatching(/phone number.*supports only Communication Services users/) },
        {
          target: '8:orgid:45ab2481-1c1c-4005-be24-0ffb879b1130',
          code: '403',
          message: expect.stringMatching(/Teams user.*supports only Communication Services users/),
        },
      ]);
      const ids = (await api.chat(alice.token, 'GET', threadPath(threadId, '/participants'))).json.value.map(
        (p: { communicationIdentifier: { rawId: string } }) => p.communicationIdentifier.rawId,
      );
      expect(ids).toContain(carol.id);
    });

    it('creates a thread the same way', async () => {
      const res = await api.chat(alice.token, 'POST', '/chat/threads', { topic: 'interop', participants: [{ communicationIdentifier: phone }] });
      expect(res.status, res.text).toBe(201);
      expect(res.json.invalidParticipants).toEqual([{ target: '4:+14255550123', code: '403', message: expect.stringMatching(/supports only/) }]);
    });

    it('removes: 400 naming the supported kind, not a generic error', async () => {
      for (const identifier of [phone, teamsUser, { microsoftTeamsApp: { appId: 'bot-app' } }]) {
        const res = await api.chat(alice.token, 'POST', threadPath(threadId, '/participants/:remove'), identifier);
        expectAcsError(res, 400, 'BadRequest');
        expect(res.json.error.message).toMatch(/supports only Communication Services users \(kind communicationUser/);
      }
    });

    it('an identifier with no id at all is 400 naming the fields to send', async () => {
      const res = await api.chat(alice.token, 'POST', threadPath(threadId, '/participants/:remove'), { kind: 'phoneNumber' });
      expectAcsError(res, 400, 'BadRequest');
      expect(res.json.error.message).toMatch(/rawId or one of communicationUser\.id, phoneNumber\.value/);
    });
  });
});
