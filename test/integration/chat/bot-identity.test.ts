import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../../src/client/admin-client.js';
import { ChatApiError } from '../../../src/client/errors.js';
import { startBotStack, type BotStack } from '../../support/bot-env.js';
import { startTestBackend } from '../../support/chat-server.js';

let stack: BotStack;

beforeAll(async () => {
  stack = await startBotStack('bot-identity');
});
afterAll(async () => {
  await stack?.close();
});

describe('GET /parley/bot', () => {
  it('publishes the identity the bot registered at start, with its display name', async () => {
    const res = await fetch(`${stack.backend.url}/parley/bot`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ userId: stack.bot.botId, displayName: 'parley' });
  });

  it('takes a registration only signed with the access key, and only for a live identity', async () => {
    const unsigned = await fetch(`${stack.backend.url}/admin/bot/identity`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: stack.backend.identity.createUser(), displayName: 'evil' }),
    });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({ error: { code: 'Denied' } });
    const admin = new AdminClient(stack.backend.url, stack.backend.accessKey);
    await expect(admin.registerBot('8:acs:nobody', 'ghost')).rejects.toMatchObject({ status: 404 });
    await expect(admin.call('PUT', '/admin/bot/identity', { userId: '' })).rejects.toBeInstanceOf(ChatApiError);
    expect(await (await fetch(`${stack.backend.url}/parley/bot`)).json()).toMatchObject({ userId: stack.bot.botId });
  });

  it('answers 404 with an ACS error body when no bot ever registered', async () => {
    const bare = await startTestBackend();
    try {
      const res = await fetch(`${bare.url}/parley/bot`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: { code: 'NotFound', message: expect.stringContaining('No parley bot') } });
    } finally {
      await bare.close();
    }
  });
});
