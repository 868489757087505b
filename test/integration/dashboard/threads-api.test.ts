import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, nextBotPost, startDashboardStack, threadWithBot, type DashboardStack } from '../../support/dashboard-stack.js';

let stack: DashboardStack;
beforeAll(async () => {
  stack = await startDashboardStack();
});
afterAll(() => stack?.close());

const api = (method: string, path: string, body?: unknown) =>
  fetch(`${stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.creds.admin}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });

describe('dashboard threads API', () => {
  it("reads a thread's recent messages folded: each original once, with its translations, states and analysis", async () => {
    const { alice, threadId } = await threadWithBot(stack, 'Folded', { languages: ['es', 'fr'], mode: 'both', analysis: 'all' });
    const posted = nextBotPost(stack, threadId, (t) => t.includes('terrible'));
    stack.backend.chat.sendMessage(alice, threadId, { content: 'This is terrible', type: 'text' });
    stack.backend.chat.sendMessage(alice, threadId, { content: '/parley status', type: 'text' });
    await posted;
    const res = await api('GET', `/dashboard/api/threads/messages?threadId=${encodeURIComponent(threadId)}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { topic: string; value: Array<{ text: string; fromBot: boolean; format: string; languages: Array<{ language: string; state: string; text?: string }>; sentiment?: string }> };
    expect(body.topic).toBe('Folded');
    const originals = body.value.filter((m) => m.format !== 'system' && !m.fromBot);
    // The bot's post is folded into the original; the command (and its reply) are not history.
    expect(originals.map((m) => m.text)).toEqual(['This is terrible']);
    expect(originals[0]!.languages).toEqual([
      { language: 'es', state: 'ready', text: '[es] This is terrible' },
      { language: 'fr', state: 'ready', text: '[fr] This is terrible' },
    ]);
    expect(originals[0]!.sentiment).toBe('negative');
    expect(body.value.some((m) => m.text.includes('[es]'))).toBe(false);
  });

  it('says plainly when the bot cannot read a thread, and refuses a bad request', async () => {
    const alice = stack.backend.identity.createUser();
    const { thread } = stack.backend.chat.createThread(alice, { topic: 'not ours', participants: [] });
    const res = await api('GET', `/dashboard/api/threads/messages?threadId=${encodeURIComponent(thread.id)}`);
    expect(res.status).toBe(404);
    expect((await res.json()).error).toEqual({ code: 'ThreadNotReadable', message: expect.stringMatching(/not \(or no longer\) a participant/) });
    expect((await api('GET', '/dashboard/api/threads/messages')).status).toBe(400);
  });

  it('invites a person: a participant with their languages, and the web chat link; bad input named', async () => {
    const { alice, threadId } = await threadWithBot(stack, 'Invites', { languages: ['es'] });
    const res = await api('POST', '/dashboard/api/threads/invite', { threadId, name: 'Ana', reads: ['en'] });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { link: string; userId: string; name: string };
    expect(body.link).toBe(`${stack.backend.url}/#token=${/#token=([^&]+)/.exec(body.link)![1]}&thread=${encodeURIComponent(threadId)}&name=Ana&reads=en`);
    const { participants } = stack.backend.chat.listParticipants(alice, threadId, { limit: 50, skip: 0 });
    expect(participants.find((p) => p.userId === body.userId)?.displayName).toBe('Ana');
    expect((await stack.bot.settings.readers(threadId))[body.userId]).toEqual(['en']);
    // The token never reaches the logs.
    expect(stack.logs()).not.toContain(/#token=([^&]+)/.exec(body.link)![1]);

    const noName = await api('POST', '/dashboard/api/threads/invite', { threadId, name: ' ', reads: [] });
    expect([noName.status, (await noName.json()).error.message]).toEqual([400, expect.stringMatching(/name/)]);
    const badLanguage = await api('POST', '/dashboard/api/threads/invite', { threadId, name: 'Bo', reads: ['xx'] });
    expect([badLanguage.status, (await badLanguage.json()).error.message]).toEqual([400, expect.stringMatching(/xx/)]);
    const noThread = await api('POST', '/dashboard/api/threads/invite', { threadId: '19:missing@thread.v2', name: 'Bo', reads: [] });
    expect(noThread.status).toBe(404);
  });

  it('lists jobs by thread topic and message snippet, and labels priority by the messages shown', async () => {
    const { alice, threadId } = await threadWithBot(stack, 'Priority label', { mode: 'analyze', analysis: 'none' });
    for (const text of ['This is terrible', 'Awful, the worst', 'Thanks, great', 'I am angry and upset', 'Thanks, lovely']) {
      stack.backend.chat.sendMessage(alice, threadId, { content: text, type: 'text' });
    }
    const row = await eventually(async () => {
      const prio = (await (await api('GET', '/dashboard/api/priority')).json()) as { value: Array<{ threadId: string; latest: unknown[]; label: { text: string; tone: string }; score: number }> };
      const r = prio.value.find((p) => p.threadId === threadId);
      return r && r.latest.length === 5 ? r : undefined;
    });
    expect(row.label).toMatchObject({ tone: 'negative', text: '3 of 5 negative' });
    const overview = (await (await api('GET', '/dashboard/api/overview')).json()) as { recent: Array<{ topic: string; snippet: string; origin: string }> };
    expect(overview.recent).toContainEqual(expect.objectContaining({ topic: 'Priority label', snippet: 'Thanks, lovely', origin: 'live' }));
  });
});
