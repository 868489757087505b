import { ChatClient, type ChatClientOptions } from '@azure/communication-chat';
import { AzureCommunicationTokenCredential } from '@azure/communication-common';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';
import { Api, expectAcsError, threadPath } from './api.js';

type PipelinePolicy = NonNullable<ChatClientOptions['additionalPolicies']>[number]['policy'];

describe('rate limits (spec §10)', () => {
  let backend: TestBackend | undefined;
  afterEach(() => backend?.close());

  it('answers the 11th message in 10 s on a thread with 429 and Retry-After, per thread', async () => {
    let now = Date.now();
    backend = await startTestBackend({ rateLimits: true, clock: () => now });
    const api = new Api(backend);
    const alice = await api.createUser();
    const [busy, quiet] = [await api.createThread(alice.token), await api.createThread(alice.token)];
    for (let i = 0; i < 10; i++) await api.send(alice.token, busy, `m${i}`);
    const refused = await api.chat(alice.token, 'POST', threadPath(busy, '/messages'), { content: 'one too many' });
    expectAcsError(refused, 429, 'TooManyRequests');
    expect(refused.headers.get('retry-after')).toBe('10');
    // Edits and deletes share the budget; other threads have their own.
    expect((await api.chat(alice.token, 'DELETE', threadPath(busy, '/messages/1'))).status).toBe(429);
    await api.send(alice.token, quiet);
    now += 4_000;
    expect((await api.chat(alice.token, 'POST', threadPath(busy, '/messages'), { content: 'x' })).headers.get('retry-after')).toBe('6');
    now += 6_000;
    await api.send(alice.token, busy, 'allowed again');
  });

  it('does not let refused requests of outsiders spend a thread’s budget', async () => {
    const frozen = Date.now();
    backend = await startTestBackend({ rateLimits: true, clock: () => frozen });
    const api = new Api(backend);
    const [alice, bob, eve] = [await api.createUser(), await api.createUser(), await api.createUser()];
    const id = await api.createThread(alice.token, [bob.id]);
    const m = await api.send(alice.token, id);
    for (let i = 0; i < 12; i++) {
      expectAcsError(await api.chat(eve.token, 'POST', threadPath(id, '/messages'), { content: 'spam' }), 403, 'Forbidden');
      expectAcsError(await api.chat(eve.token, 'PATCH', threadPath(id), { topic: 'spam' }), 403, 'Forbidden');
      expectAcsError(await api.chat(eve.token, 'POST', threadPath(id, '/participants/:add'), { participants: [{ communicationIdentifier: { rawId: eve.id } }] }), 403);
    }
    await api.send(bob.token, id, 'the thread is still usable');
    expect((await api.chat(alice.token, 'PATCH', threadPath(id), { topic: 'fine' })).status).toBe(204);
    expect((await api.chat(alice.token, 'PATCH', threadPath(id, `/messages/${m}`), { content: 'edited' })).status).toBe(204);
  });

  it('limits thread creation per user', async () => {
    const frozen = Date.now();
    backend = await startTestBackend({ rateLimits: true, clock: () => frozen });
    const api = new Api(backend);
    const [alice, bob] = [await api.createUser(), await api.createUser()];
    for (let i = 0; i < 10; i++) await api.createThread(alice.token);
    expectAcsError(await api.chat(alice.token, 'POST', '/chat/threads', { topic: 'x' }), 429, 'TooManyRequests');
    await api.createThread(bob.token);
  });

  it('is off unless enabled', async () => {
    backend = await startTestBackend();
    const api = new Api(backend);
    const alice = await api.createUser();
    const id = await api.createThread(alice.token);
    for (let i = 0; i < 12; i++) await api.send(alice.token, id);
  });

  it('lets the official SDK retry after Retry-After on its own and succeed', async () => {
    let frozen: number | undefined = Date.now();
    let offset = 0;
    backend = await startTestBackend({ tls: true, rateLimits: true, clock: () => frozen ?? Date.now() + offset });
    const api = new Api(backend);
    const alice = await api.createUser();
    const threadId = await api.createThread(alice.token);
    const statuses: number[] = [];
    const observe: PipelinePolicy = {
      name: 'observe-statuses',
      async sendRequest(request, next) {
        const response = await next(request);
        statuses.push(response.status);
        return response;
      },
    };
    const thread = new ChatClient(backend.url, new AzureCommunicationTokenCredential(alice.token), {
      additionalPolicies: [{ policy: observe, position: 'perRetry' }],
    }).getChatThreadClient(threadId);
    for (let i = 0; i < 10; i++) await thread.sendMessage({ content: `m${i}` });
    // All ten were counted at `frozen`; let time run from 9.1 s later, so the limit lifts in ~0.9 s
    // and the server asks for Retry-After: 1.
    offset = frozen! + 9_100 - Date.now();
    frozen = undefined;
    statuses.length = 0;
    const started = Date.now();
    const sent = await thread.sendMessage({ content: 'after the wait' });
    expect(statuses).toEqual([429, 201]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const texts: string[] = [];
    for await (const m of thread.listMessages()) if (m.type === 'text') texts.push(m.content!.message!);
    expect(texts.filter((t) => t === 'after the wait')).toHaveLength(1);
    expect(texts).toHaveLength(11);
    expect((await thread.getMessage(sent.id)).content?.message).toBe('after the wait');
  });
});
