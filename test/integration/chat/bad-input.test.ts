import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';
import { Api, CHAT_V, expectAcsError, IDENTITY_V, threadPath, type Res } from './api.js';

/**
 * Every malformed request gets a 4xx with the ACS error body, never a 500. Each case names the
 * status (and code) it must get.
 */
describe('bad input', () => {
  let backend: TestBackend;
  let api: Api;
  let alice: { id: string; token: string };
  let bob: { id: string; token: string };
  let threadId: string;
  let messageId: string;
  const statuses: number[] = [];
  beforeAll(async () => {
    backend = await startTestBackend();
    api = new Api(backend);
    [alice, bob] = await Promise.all([api.createUser(), api.createUser()]);
    threadId = await api.createThread(alice.token, [bob.id]);
    messageId = await api.send(alice.token, threadId);
  });
  afterAll(() => backend.close());
  afterEach(() => expect(statuses.filter((s) => s >= 500)).toEqual([]));

  const call = async (method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Res> => {
    const res = await api.chat(alice.token, method, path, body, headers);
    statuses.push(res.status);
    return res;
  };
  const messages = () => threadPath(threadId, '/messages');
  const big = (bytes: number) => 'x'.repeat(bytes);

  it('refuses malformed JSON with 400', async () => {
    expectAcsError(await call('POST', '/chat/threads', '{"topic": "x"'), 400, 'InvalidJson');
    expectAcsError(await call('POST', messages(), '{content: hi}'), 400, 'InvalidJson');
    expectAcsError(await call('PATCH', threadPath(threadId), '[', { 'content-type': 'application/merge-patch+json' }), 400);
  });

  it.each([
    ['no topic', {}],
    ['an empty topic', { topic: '   ' }],
    ['a numeric topic', { topic: 42 }],
    ['participants not an array', { topic: 't', participants: 'bob' }],
    ['a participant without an identifier', { topic: 't', participants: [{ displayName: 'x' }] }],
    ['an identifier of unknown kind', { topic: 't', participants: [{ communicationIdentifier: { kind: 'alien', rawId: 'x' } }] }],
    ['a bad shareHistoryTime', { topic: 't', participants: [{ communicationIdentifier: { rawId: 'x' }, shareHistoryTime: 'soon' }] }],
    ['non-string metadata', { topic: 't', metadata: { n: 1 } }],
    ['metadata over 1 KB', { topic: 't', metadata: { k: big(1100) } }],
    ['an unknown retention kind', { topic: 't', retentionPolicy: { kind: 'forever' } }],
    ['a retention under 30 days', { topic: 't', retentionPolicy: { kind: 'threadCreationDate', deleteThreadAfterDays: 5 } }],
    ['a body that is not an object', [1, 2]],
  ])('refuses a thread with %s: 400', async (_, body) => {
    expectAcsError(await call('POST', '/chat/threads', body), 400, 'BadRequest');
  });

  it.each([
    ['an unknown type', { content: 'x', type: 'video' }],
    ['a system type', { content: 'x', type: 'topicUpdated' }],
    ['no content', { type: 'text' }],
    ['numeric content', { content: 5 }],
    ['blank content', { content: '  ' }],
    ['a numeric type', { content: 'x', type: 1 }],
    ['non-string metadata', { content: 'x', metadata: { a: true } }],
  ])('refuses a message with %s: 400', async (_, body) => {
    expectAcsError(await call('POST', messages(), body), 400, 'BadRequest');
  });

  it('refuses content over 28 KB with 413 and a body over the limit with 413', async () => {
    expect((await call('POST', messages(), { content: big(28 * 1024) })).status).toBe(201);
    expectAcsError(await call('POST', messages(), { content: big(28 * 1024 + 1) }), 413, 'RequestEntityTooLarge');
    expectAcsError(await call('PATCH', threadPath(threadId, `/messages/${messageId}`), { content: big(30_000) }, { 'content-type': 'application/merge-patch+json' }), 413);
    expectAcsError(await call('POST', messages(), { content: 'x', metadata: { pad: big(300 * 1024) } }), 413, 'RequestEntityTooLarge');
  });

  it('refuses bad update, receipt, typing and participant bodies with 400', async () => {
    const patch = { 'content-type': 'application/merge-patch+json' };
    expectAcsError(await call('PATCH', threadPath(threadId), { topic: 7 }, patch), 400);
    expectAcsError(await call('PATCH', threadPath(threadId), { metadata: { a: 1 } }, patch), 400);
    expectAcsError(await call('PATCH', threadPath(threadId, `/messages/${messageId}`), { content: '' }, patch), 400);
    expectAcsError(await call('POST', threadPath(threadId, '/readReceipts'), { chatMessageId: 'latest' }), 400);
    expectAcsError(await call('POST', threadPath(threadId, '/readReceipts'), {}), 400);
    expectAcsError(await call('POST', threadPath(threadId, '/typing'), { senderDisplayName: 3 }), 400);
    expectAcsError(await call('POST', threadPath(threadId, '/participants/:add'), { participants: [] }), 400);
    expectAcsError(await call('POST', threadPath(threadId, '/participants/:add'), {}), 400);
    expectAcsError(await call('POST', threadPath(threadId, '/participants/:remove'), {}), 400);
  });

  it('answers 404 for unknown and malformed thread, message and participant ids', async () => {
    expectAcsError(await call('GET', threadPath('19:unknown@thread.v2')), 404, 'NotFound');
    expectAcsError(await call('GET', threadPath('not-a-thread-id')), 404, 'NotFound');
    expectAcsError(await call('POST', threadPath('19:unknown@thread.v2', '/messages'), { content: 'x' }), 404);
    expectAcsError(await call('GET', threadPath(threadId, '/messages/999')), 404, 'NotFound');
    expectAcsError(await call('GET', threadPath(threadId, '/messages/not-an-id')), 404, 'NotFound');
    expectAcsError(await call('DELETE', threadPath(threadId, '/messages/999')), 404);
    expectAcsError(await call('POST', threadPath(threadId, '/readReceipts'), { chatMessageId: '999' }), 404);
    expectAcsError(await call('POST', threadPath(threadId, '/participants/:remove'), { rawId: '8:acs:nobody' }), 404);
    expectAcsError(await call('GET', '/chat/nothing-here'), 404, 'NotFound');
    const unknownUser = encodeURIComponent('8:acs:nobody');
    expectAcsError(await api.identity('POST', `/identities/${unknownUser}/:issueAccessToken?api-version=${IDENTITY_V}`, '{"scopes":["chat"]}'), 404);
    expectAcsError(await api.identity('POST', `/identities/${unknownUser}/:revokeAccessTokens?api-version=${IDENTITY_V}`), 404);
    expectAcsError(await api.identity('DELETE', `/identities/${unknownUser}?api-version=${IDENTITY_V}`), 404);
  });

  it('needs a supported api-version: 400 when missing or unknown', async () => {
    const path = threadPath(threadId);
    expectAcsError(await call('GET', `${path}?foo=1`), 400, 'MissingApiVersionParameter');
    expectAcsError(await call('GET', `${path}?api-version=`), 400, 'MissingApiVersionParameter');
    expectAcsError(await call('GET', `${path}?api-version=1999-01-01`), 400, 'UnsupportedApiVersion');
    expectAcsError(await call('GET', `${path}?api-version=${CHAT_V}&api-version=${CHAT_V}`), 400);
    expect((await call('GET', `${path}?api-version=2021-09-07`)).status).toBe(200);
    expectAcsError(await api.identity('POST', '/identities', ''), 400, 'MissingApiVersionParameter');
    expectAcsError(await api.identity('POST', '/identities?api-version=2025-03-15', ''), 400, 'UnsupportedApiVersion');
  });

  it.each([
    ['maxPageSize=0'],
    ['maxPageSize=-1'],
    ['maxPageSize=abc'],
    ['maxPageSize=1.5'],
    ['maxPageSize='],
    ['skip=-1'],
    ['skip=abc'],
    ['skip=1e3'],
  ])('refuses %s on participants and read receipts: 400', async (q) => {
    for (const list of ['/participants', '/readReceipts']) {
      expectAcsError(await call('GET', `${threadPath(threadId, list)}?${q}&api-version=${CHAT_V}`), 400, 'BadRequest');
    }
    if (q.startsWith('maxPageSize')) {
      expectAcsError(await call('GET', `${messages()}?${q}&api-version=${CHAT_V}`), 400, 'BadRequest');
      expectAcsError(await call('GET', `/chat/threads?${q}&api-version=${CHAT_V}`), 400, 'BadRequest');
    }
  });

  it('refuses a startTime that is not a date: 400', async () => {
    expectAcsError(await call('GET', `${messages()}?startTime=yesterday&api-version=${CHAT_V}`), 400, 'BadRequest');
    expectAcsError(await call('GET', `/chat/threads?startTime=later&api-version=${CHAT_V}`), 400, 'BadRequest');
  });

  it('refuses an invalid syncState: 400', async () => {
    const shapeless = Buffer.from(JSON.stringify({ hello: 'world' })).toString('base64url');
    for (const state of ['garbage!!', shapeless, Buffer.from('not json').toString('base64url')]) {
      expectAcsError(await call('GET', `${messages()}?syncState=${state}&api-version=${CHAT_V}`), 400, 'BadRequest');
      expectAcsError(await call('GET', `/chat/threads?syncState=${state}&api-version=${CHAT_V}`), 400, 'BadRequest');
    }
  });

  it('refuses bodies that are not JSON: 415', async () => {
    expectAcsError(await call('POST', messages(), 'content=hi', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'UnsupportedMediaType');
    expectAcsError(await call('POST', '/chat/threads', '{"topic":"x"}', { 'content-type': 'text/plain' }), 415, 'UnsupportedMediaType');
    const r = await fetch(`${backend.url}${messages()}?api-version=${CHAT_V}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}` },
      body: new Blob(['{"content":"hi"}']),
    });
    expect(r.status).toBe(415);
    expect((await r.json()).error.code).toBe('UnsupportedMediaType');
  });

  it('refuses bad identity bodies: 400', async () => {
    const issue = `/identities/${encodeURIComponent(alice.id)}/:issueAccessToken?api-version=${IDENTITY_V}`;
    expectAcsError(await api.identity('POST', issue, '{"scopes":["admin"]}'), 400);
    expectAcsError(await api.identity('POST', issue, '{"scopes":[]}'), 400);
    expectAcsError(await api.identity('POST', issue, '{"scopes":["chat"],"expiresInMinutes":10}'), 400);
    expectAcsError(await api.identity('POST', issue, '{"scopes":"chat"}'), 400);
    expectAcsError(await api.identity('POST', issue, '{"scopes":'), 400, 'InvalidJson');
    expectAcsError(await api.identity('POST', `/identities?api-version=${IDENTITY_V}`, '{"createTokenWithScopes":"chat"}'), 400);
  });

  // Fastify answers a bad URL before routing; `frameworkErrors` gives it the ACS error body.
  it('answers a path with broken percent-encoding with the ACS error body', async () => {
    expectAcsError(await call('GET', `/chat/threads/%E0%A4%A?api-version=${CHAT_V}`), 400);
  });
});
