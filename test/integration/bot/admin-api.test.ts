import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotAdmin } from '../../../src/bot/bot-admin.js';
import { Bot } from '../../../src/bot/bot.js';
import { botAdminRoutes } from '../../../src/bot/http/bot-admin-routes.js';
import { ChatBackend } from '../../../src/chat/chat-backend.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { createLogger } from '../../../src/lib/logger.js';
import { adminFetch } from '../../support/admin-client.js';
import { tempDir } from '../../support/chat-server.js';
import { fakeProvider } from '../../support/fake-provider.js';
import { REDIS_URL, deletePrefix, uniquePrefix } from '../../support/bot-env.js';

const prefix = uniquePrefix('admin-api');

const logger = createLogger('silent');
let backend: ChatBackend;
let bot: Bot;
const holder: { admin?: BotAdmin } = {};

beforeAll(async () => {
  const config = loadConfig({ PARLEY_PORT: '0', PARLEY_DATA_DIR: tempDir(), PARLEY_RATE_LIMITS: 'off' });
  backend = await new ChatBackend({ config, logger, plugins: [(ctx) => botAdminRoutes(ctx, () => holder.admin)] }).start();
  bot = await new Bot({
    chatUrl: backend.url,
    accessKey: backend.accessKey,
    redisUrl: 'redis://127.0.0.1:6379',
    prefix,
    provider: fakeProvider(),
    logger,
  }).start();
  holder.admin = new BotAdmin(bot.settings, bot.admin, bot.redis, bot.keys);
});
afterAll(async () => {
  await bot.close();
  await backend.close();
  await deletePrefix(REDIS_URL, prefix);
});

describe('bot admin REST API (HMAC with the access key)', () => {
  it('adds the bot to a thread with settings, changes them, lists and removes it', async () => {
    const alice = backend.identity.createUser();
    const { thread } = backend.chat.createThread(alice, { topic: 't', participants: [] });
    const path = `/admin/bot/threads/${encodeURIComponent(thread.id)}`;

    const added = await adminFetch(backend.url, backend.accessKey, 'PUT', path, { languages: ['es', 'FR'], mode: 'both' });
    expect(added.status).toBe(200);
    expect(await added.json()).toMatchObject({ threadId: thread.id, languages: ['es', 'fr'], mode: 'both', enabled: true });
    expect(backend.store.participants.get(thread.id, bot.botId)?.removedOn).toBeNull();

    const patched = await adminFetch(backend.url, backend.accessKey, 'PATCH', path, { languages: ['de'], enabled: false });
    expect(await patched.json()).toMatchObject({ languages: ['de'], mode: 'both', enabled: false });

    const list = (await (await adminFetch(backend.url, backend.accessKey, 'GET', '/admin/bot/threads')).json()) as { value: { threadId: string }[] };
    expect(list.value.map((t) => t.threadId)).toContain(thread.id);

    expect((await adminFetch(backend.url, backend.accessKey, 'DELETE', path)).status).toBe(204);
    expect(backend.store.participants.get(thread.id, bot.botId)?.removedOn).not.toBeNull();
    expect(await bot.settings.get(thread.id)).toBeNull();
  });

  it('answers bad input and unknown threads with ACS error bodies', async () => {
    const alice = backend.identity.createUser();
    const { thread } = backend.chat.createThread(alice, { topic: 't', participants: [] });
    const path = `/admin/bot/threads/${encodeURIComponent(thread.id)}`;
    const bad = await adminFetch(backend.url, backend.accessKey, 'PUT', path, { languages: ['xx'] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'UnknownLanguage' } });
    const mode = await adminFetch(backend.url, backend.accessKey, 'PUT', path, { mode: 'sing' });
    expect(mode.status).toBe(400);
    const missing = await adminFetch(backend.url, backend.accessKey, 'PUT', '/admin/bot/threads/19%3Anope%40thread.v2', { languages: ['es'] });
    expect(missing.status).toBe(404);
    expect(await bot.settings.get('19:nope@thread.v2')).toBeNull();
    const notIn = await adminFetch(backend.url, backend.accessKey, 'PATCH', path, { languages: ['es'] });
    expect(notIn.status).toBe(404);
    expect(await notIn.json()).toMatchObject({ error: { code: 'BotNotInThread' } });
  });

  it('refuses calls not signed with the access key', async () => {
    const other = Buffer.alloc(32, 7).toString('base64');
    const res = await adminFetch(backend.url, other, 'GET', '/admin/bot/threads');
    expect(res.status).toBe(401);
    expect((await fetch(`${backend.url}/admin/bot/threads`)).status).toBe(401);
  });
});
