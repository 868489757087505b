import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient } from '@azure/communication-chat';
import { AzureCommunicationTokenCredential } from '@azure/communication-common';
import { CommunicationIdentityClient } from '@azure/communication-identity';
import { startTestBackend, type TestBackend } from '../support/chat-server.js';

describe('official SDK smoke', () => {
  let backend: TestBackend;
  beforeAll(async () => {
    backend = await startTestBackend({ tls: true });
  });
  afterAll(() => backend.close());

  it('creates users, a thread, sends and lists messages', async () => {
    const identity = new CommunicationIdentityClient(backend.connectionString);
    const alice = await identity.createUserAndToken(['chat']);
    const bob = await identity.createUser();
    const chat = new ChatClient(backend.url, new AzureCommunicationTokenCredential(alice.token));
    const { chatThread } = await chat.createChatThread({ topic: 'Lunch' }, { participants: [{ id: bob, displayName: 'Bob' }] });
    expect(chatThread?.id).toMatch(/^19:.+@thread\.v2$/);
    const thread = chat.getChatThreadClient(chatThread!.id);
    const sent = await thread.sendMessage({ content: 'hello <b>world</b><script>x()</script>' }, { type: 'html', senderDisplayName: 'Alice' });
    const got = await thread.getMessage(sent.id);
    expect(got.content?.message).toBe('hello <b>world</b>');
    const all = [];
    for await (const m of thread.listMessages()) all.push(m);
    expect(all.map((m) => m.type)).toEqual(['html', 'topicUpdated', 'participantAdded']);
    const pages = [];
    for await (const page of thread.listMessages({ maxPageSize: 2 }).byPage()) pages.push(page.length);
    expect(pages).toEqual([2, 1]);
  });
});
