/**
 * The thread's glossary, formality and context through the admin REST API: the same names as the
 * settings JSON, validated with ACS error bodies that say what to fix, and notes about what the
 * bot's engine cannot honour.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BotAdmin } from '../../../src/bot/bot-admin.js';
import { Bot } from '../../../src/bot/bot.js';
import { botAdminRoutes } from '../../../src/bot/http/bot-admin-routes.js';
import { ChatBackend } from '../../../src/chat/chat-backend.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { createLogger } from '../../../src/lib/logger.js';
import { adminFetch } from '../../support/admin-client.js';
import { deletePrefix, REDIS_URL, uniquePrefix } from '../../support/bot-env.js';
import { tempDir } from '../../support/chat-server.js';
import { fakeProvider } from '../../support/fake-provider.js';

const logger = createLogger('silent');
const prefix = uniquePrefix('admin-quality');
let backend: ChatBackend;
let bot: Bot;
const holder: { admin?: BotAdmin } = {};

beforeAll(async () => {
  const config = loadConfig({ PARLEY_PORT: '0', PARLEY_DATA_DIR: tempDir(), PARLEY_RATE_LIMITS: 'off' });
  backend = await new ChatBackend({ config, logger, plugins: [(ctx) => botAdminRoutes(ctx, () => holder.admin)] }).start();
  bot = await new Bot({ chatUrl: backend.url, accessKey: backend.accessKey, redisUrl: REDIS_URL, prefix, provider: fakeProvider(), logger }).start();
  holder.admin = new BotAdmin(bot.settings, bot.admin, bot.redis, bot.keys, 'parley', 'local');
});
afterAll(async () => {
  await bot?.close();
  await backend?.close();
  await deletePrefix(REDIS_URL, prefix);
});

const call = (method: string, path: string, body?: unknown) => adminFetch(backend.url, backend.accessKey, method, path, body);

it('takes glossary, formality and context as thread settings JSON, and notes what the offline engine cannot do', async () => {
  const alice = backend.identity.createUser();
  const { thread } = backend.chat.createThread(alice, { topic: 't', participants: [] });
  const path = `/admin/bot/threads/${encodeURIComponent(thread.id)}`;

  const added = await call('PUT', path, { languages: ['es'], glossary: { keep: ['Acme Cloud'], terms: { ES: { ticket: 'incidencia' } } }, formality: 'formal', context: 3 });
  expect(added.status).toBe(200);
  const body = (await added.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ glossary: { keep: ['Acme Cloud'], terms: { es: { ticket: 'incidencia' } } }, formality: 'formal', context: 3 });
  expect(body.notes).toEqual([expect.stringMatching(/no formal or informal register/), expect.stringMatching(/translates each message on its own/)]);

  // A part given replaces that part only; formality per language with a default.
  const patched = await call('PATCH', path, { glossary: { keep: [] }, formality: { default: 'formal', de: 'informal' } });
  expect(await patched.json()).toMatchObject({ glossary: { keep: [], terms: { es: { ticket: 'incidencia' } } }, formality: { default: 'formal', de: 'informal' }, context: 3 });
  const quiet = (await (await call('PATCH', path, { context: 0 })).json()) as Record<string, unknown>;
  expect(quiet.notes).toBeUndefined();

  const list = (await (await call('GET', '/admin/bot/threads')).json()) as { value: Array<Record<string, unknown>> };
  expect(list.value.find((t) => t.threadId === thread.id)).toMatchObject({ glossary: { terms: { es: { ticket: 'incidencia' } } }, context: 0 });
});

it('refuses bad glossary, formality and context settings with an ACS error body saying what to fix', async () => {
  const alice = backend.identity.createUser();
  const { thread } = backend.chat.createThread(alice, { topic: 't', participants: [] });
  const path = `/admin/bot/threads/${encodeURIComponent(thread.id)}`;
  expect((await call('PUT', path, { languages: ['es'] })).status).toBe(200);
  const refused = async (body: unknown) => {
    const res = await call('PATCH', path, body);
    expect(res.status).toBe(400);
    return ((await res.json()) as { error: { code: string; message: string } }).error;
  };
  expect(await refused({ glossary: { terms: { xx: { a: 'b' } } } })).toMatchObject({ code: 'BadGlossary', message: expect.stringMatching(/Unknown language code "xx"/) });
  expect(await refused({ glossary: { keep: ['  '] } })).toEqual({ code: 'BadGlossary', message: 'A keep term is empty.' });
  expect(await refused({ formality: 'polite' })).toEqual({ code: 'BadFormality', message: 'formality must be formal, informal or auto (got "polite").' });
  expect(await refused({ context: 42 })).toMatchObject({ code: 'BadContext', message: expect.stringMatching(/from 0 to 10 \(got 42\)/) });
  expect((await refused({ context: 'three' })).code).toBeTruthy();
  expect((await refused({ glossary: { keep: 'Acme' } })).code).toBeTruthy();
  expect((await refused({ glossary: { keep: [], extra: 1 } })).code).toBeTruthy();
  // Nothing was changed by the refused calls.
  expect((await bot.settings.get(thread.id))?.glossary).toEqual({ keep: [], terms: {} });
});
