import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';
import { Api, CHAT_V, threadPath } from './api.js';

describe('paths, nextLinks and Location headers', () => {
  let backend: TestBackend;
  let api: Api;
  let alice: { id: string; token: string };
  let others: { id: string; token: string }[];
  let threadId: string;
  let messageIds: string[];
  beforeAll(async () => {
    backend = await startTestBackend();
    api = new Api(backend);
    alice = await api.createUser();
    others = await Promise.all([1, 2, 3, 4].map(() => api.createUser()));
    threadId = await api.createThread(alice.token, others.map((o) => o.id));
    messageIds = [];
    for (let i = 0; i < 5; i++) messageIds.push(await api.send(alice.token, threadId, `m${i}`));
  });
  afterAll(() => backend.close());

  /** Follows nextLinks exactly as given (no api-version added, nothing re-encoded). */
  async function allPages(first: string, token = alice.token): Promise<{ pages: unknown[][]; links: string[] }> {
    const pages: unknown[][] = [];
    const links: string[] = [];
    let res = await api.chat(token, 'GET', first);
    for (;;) {
      expect(res.status, res.text).toBe(200);
      pages.push(res.json.value);
      if (!res.json.nextLink) return { pages, links };
      links.push(res.json.nextLink);
      res = await api.chat(token, 'GET', res.json.nextLink);
    }
  }

  it('accepts thread ids percent-encoded and raw', async () => {
    const raw = `/chat/threads/${threadId}`;
    expect(raw).toContain(':');
    const [encoded, plain] = await Promise.all([api.chat(alice.token, 'GET', threadPath(threadId)), api.chat(alice.token, 'GET', raw)]);
    expect([encoded.status, plain.status]).toEqual([200, 200]);
    expect(plain.json).toEqual(encoded.json);
    const sent = await api.chat(alice.token, 'POST', `${raw}/messages`, { content: 'raw path' });
    expect(sent.status).toBe(201);
    expect((await api.chat(alice.token, 'GET', `${raw}/messages/${sent.json.id}`)).json.content.message).toBe('raw path');
    expect((await api.chat(alice.token, 'DELETE', `${raw}/messages/${sent.json.id}`)).status).toBe(204);
    const carol = await api.createUser();
    const add = await api.chat(alice.token, 'POST', `${raw}/participants/:add`, { participants: [{ communicationIdentifier: { rawId: carol.id } }] });
    expect(add.status).toBe(201);
    expect((await api.chat(alice.token, 'POST', `${raw}/participants/:remove`, { rawId: carol.id })).status).toBe(204);
    // Identity ids too.
    const token = await api.identity('POST', `/identities/${carol.id}/:issueAccessToken?api-version=2023-10-01`, '{"scopes":["chat"]}');
    expect(token.status).toBe(200);
  });

  it('pages messages newest first through absolute nextLinks, used verbatim', async () => {
    const whole = await api.chat(alice.token, 'GET', threadPath(threadId, '/messages'));
    const { pages, links } = await allPages(`${threadPath(threadId, '/messages')}?maxPageSize=2&api-version=${CHAT_V}`);
    expect(pages.map((p) => p.length).slice(0, -1).every((n) => n === 2)).toBe(true);
    expect(pages.flat()).toEqual(whole.json.value);
    const seqs = (pages.flat() as { sequenceId: string }[]).map((m) => Number(m.sequenceId));
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    for (const link of links) {
      expect(link.startsWith(`${backend.url}/chat/threads/`)).toBe(true);
      expect(new URL(link).searchParams.get('api-version')).toBe(CHAT_V);
    }
  });

  it('keeps the startTime filter across pages', async () => {
    const messages = (await api.chat(alice.token, 'GET', threadPath(threadId, '/messages'))).json.value as { id: string; createdOn: string }[];
    const third = messages.find((m) => m.id === messageIds[1])!;
    const startTime = encodeURIComponent(third.createdOn);
    const { pages } = await allPages(`${threadPath(threadId, '/messages')}?maxPageSize=1&api-version=${CHAT_V}&startTime=${startTime}`);
    const ids = (pages.flat() as { id: string }[]).map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(messageIds.slice(2)));
    expect(ids).not.toContain(messageIds[0]);
  });

  it('pages participants with maxPageSize and skip', async () => {
    const { pages, links } = await allPages(`${threadPath(threadId, '/participants')}?maxPageSize=2&skip=1&api-version=${CHAT_V}`);
    expect(pages.map((p) => p.length)).toEqual([2, 2]);
    expect(new URL(links[0]!).searchParams.get('skip')).toBe('3');
    const everyone = (await api.chat(alice.token, 'GET', threadPath(threadId, '/participants'))).json.value;
    expect(everyone).toHaveLength(5);
    expect(pages.flat()).toEqual(everyone.slice(1));
  });

  it('pages read receipts', async () => {
    for (const o of others.slice(0, 3)) {
      const r = await api.chat(o.token, 'POST', threadPath(threadId, '/readReceipts'), { chatMessageId: messageIds[4] });
      expect(r.status).toBe(200);
    }
    const { pages } = await allPages(`${threadPath(threadId, '/readReceipts')}?maxPageSize=2&api-version=${CHAT_V}`);
    expect(pages.map((p) => p.length)).toEqual([2, 1]);
    const senders = (pages.flat() as { senderCommunicationIdentifier: { rawId: string } }[]).map((r) => r.senderCommunicationIdentifier.rawId);
    expect(senders.sort()).toEqual(others.slice(0, 3).map((o) => o.id).sort());
  });

  it('pages the caller’s threads', async () => {
    const dave = await api.createUser();
    const mine = [];
    for (let i = 0; i < 3; i++) mine.push(await api.createThread(dave.token, [], `t${i}`));
    const { pages, links } = await allPages(`/chat/threads?maxPageSize=2&api-version=${CHAT_V}`, dave.token);
    expect(pages.map((p) => p.length)).toEqual([2, 1]);
    expect((pages.flat() as { id: string }[]).map((t) => t.id).sort()).toEqual(mine.sort());
    expect(links[0]!.startsWith(`${backend.url}/chat/threads?`)).toBe(true);
  });

  it('sends Location on the two 201s, pointing at the new resource', async () => {
    const created = await api.chat(alice.token, 'POST', '/chat/threads', { topic: 'located' });
    expect(created.status).toBe(201);
    const id = created.json.chatThread.id as string;
    expect(created.headers.get('location')).toBe(`${backend.url}/chat/threads/${encodeURIComponent(id)}`);
    const got = await api.chat(alice.token, 'GET', `${created.headers.get('location')}?api-version=${CHAT_V}`);
    expect(got.json.topic).toBe('located');

    const sent = await api.chat(alice.token, 'POST', threadPath(id, '/messages'), { content: 'here' });
    expect(sent.headers.get('location')).toBe(`${backend.url}${threadPath(id, `/messages/${sent.json.id}`)}`);
    const message = await api.chat(alice.token, 'GET', `${sent.headers.get('location')}?api-version=${CHAT_V}`);
    expect(message.json.content.message).toBe('here');
    expect((await api.chat(alice.token, 'GET', threadPath(id))).headers.get('location')).toBeNull();
  });
});
