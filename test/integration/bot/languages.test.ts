/**
 * Languages checked against what the offline engine can do, in the all-in-one wiring (backend with
 * the admin API and the dashboard, the bot from the configuration with the real Apertium): refused
 * in the admin API, the dashboard and the `/parley` commands with what is available; pivots (en→es→gl)
 * accepted, labelled; and a thread whose settings ask for a language the engine cannot serve gets
 * no diagnostics in its content — only metadata says what was not translated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../../src/bot/bot.js';
import { botAdminRoutes } from '../../../src/bot/http/bot-admin-routes.js';
import { ChatBackend } from '../../../src/chat/chat-backend.js';
import type { Message } from '../../../src/chat/model.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { dashboardCredentials } from '../../../src/dashboard/credentials.js';
import { createLogger } from '../../../src/lib/logger.js';
import { Metrics } from '../../../src/metrics/metrics.js';
import { startBot, type BotHolder } from '../../../src/runtime/bot-runtime.js';
import { dashboardFor } from '../../../src/runtime/dashboard-mount.js';
import { adminFetch } from '../../support/admin-client.js';
import { BotPostWatch, REDIS_URL, deletePrefix, uniquePrefix } from '../../support/bot-env.js';
import { tempDir } from '../../support/chat-server.js';

const prefix = uniquePrefix('languages');
const logger = createLogger('silent');
const holder: BotHolder = {};
let backend: ChatBackend;
let bot: Bot;
let watch: BotPostWatch;
let bearer: string;

beforeAll(async () => {
  const config = loadConfig({
    PARLEY_PORT: '0',
    PARLEY_DATA_DIR: tempDir(),
    PARLEY_RATE_LIMITS: 'off',
    PARLEY_REDIS_PREFIX: prefix,
    PARLEY_PROVIDER: 'local',
  });
  const metrics = new Metrics({ processMetrics: false });
  backend = await new ChatBackend({
    config,
    logger,
    plugins: [
      (ctx) => botAdminRoutes(ctx, () => holder.admin),
      (ctx) => dashboardFor({ holder, accessKey: ctx.accessKey, chatUrl: () => backend.url, logger, metrics, config }),
    ],
  }).start();
  bot = await startBot(config, logger, { chatUrl: backend.url, accessKey: backend.accessKey, redisUrl: REDIS_URL, listen: true, work: true }, holder);
  watch = new BotPostWatch(Object.assign(backend, { dataDir: '' }), () => bot.botId);
  bearer = `Bearer ${dashboardCredentials(backend.accessKey).admin}`;
});

afterAll(async () => {
  watch?.close();
  await bot?.close();
  await backend?.close();
  await deletePrefix(REDIS_URL, prefix);
});

function newThread(members = 1) {
  const users = Array.from({ length: members }, () => backend.identity.createUser());
  const { thread } = backend.chat.createThread(users[0]!, { topic: 'languages', participants: users.slice(1).map((rawId) => ({ rawId, displayName: 'reader' })) });
  return { threadId: thread.id, users };
}

const dashboard = (method: string, path: string, body?: unknown) =>
  fetch(`${backend.url}${path}`, { method, headers: { authorization: bearer, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

/** Sends a command and resolves with the bot's reply to it. */
async function command(threadId: string, user: string, text: string): Promise<string> {
  const m = backend.chat.sendMessage(user, threadId, { content: text, type: 'text' });
  return (await watch.posted(threadId, m.id, 45_000)).content.message ?? '';
}

describe('languages the offline engine cannot serve are refused, with what is available', () => {
  it('in the admin API: 400 UnsupportedLanguage, nothing saved; a pivoted language is accepted with a note', async () => {
    const { threadId } = newThread();
    const path = `/admin/bot/threads/${encodeURIComponent(threadId)}`;
    const refused = await adminFetch(backend.url, backend.accessKey, 'PUT', path, { languages: ['es', 'de'] });
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('UnsupportedLanguage');
    expect(body.error.message).toMatch(/^The offline engine \(Apertium\) cannot translate into de \(German\)\. Available: en \(from es; from gl, pt pivoted via es\), es \(from en, gl, pt\), gl \(from es; from en, pt pivoted via es\), pt \(/);
    expect(body.error.message).toMatch(/To add a language, install an Apertium pair .* or point parley at a model API \(OPENAI_BASE_URL/);
    expect(await bot.settings.get(threadId)).toBeNull();
    expect(backend.store.participants.get(threadId, bot.botId)).toBeUndefined();

    const added = await adminFetch(backend.url, backend.accessKey, 'PUT', path, { languages: ['es', 'gl'] });
    expect(added.status).toBe(200);
    const settings = (await added.json()) as { languages: string[]; notes: string[] };
    expect(settings.languages).toEqual(['es', 'gl']);
    expect(settings.notes).toContain('gl (Galician): from es; from en, pt pivoted via es');

    const patched = await adminFetch(backend.url, backend.accessKey, 'PATCH', path, { languages: ['fr'] });
    expect(patched.status).toBe(400);
    expect((await bot.settings.get(threadId))?.languages).toEqual(['es', 'gl']);
  });

  it('in the dashboard API: the same refusal as an ACS error body; accepted answers carry notes; the languages list', async () => {
    const { threadId } = newThread();
    const refused = await dashboard('POST', '/dashboard/api/threads', { threadId, languages: ['fr'] });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'UnsupportedLanguage',
      message: expect.stringMatching(/cannot translate into fr \(French\)\. Available: en /),
    });
    expect(await bot.settings.get(threadId)).toBeNull();

    const added = await dashboard('POST', '/dashboard/api/threads', { threadId });
    expect(added.status).toBe(200);
    expect(((await added.json()) as { notes: string[] }).notes).toEqual([expect.stringMatching(/^No languages set: nothing will be translated until languages are set/)]);
    const patched = await dashboard('PATCH', '/dashboard/api/threads', { threadId, languages: ['pt'] });
    expect(((await patched.json()) as { notes: string[] }).notes).toEqual(['pt (Portuguese): from es; from en, gl pivoted via es']);
    expect((await dashboard('PATCH', '/dashboard/api/threads', { threadId, languages: ['pt', 'ja'] })).status).toBe(400);

    const languages = (await (await dashboard('GET', '/dashboard/api/languages')).json()) as { any: boolean; value: { language: string; description: string }[] };
    expect(languages.any).toBe(false);
    expect(languages.value.map((l) => l.language)).toEqual(['en', 'es', 'gl', 'pt']);
    expect(languages.value.find((l) => l.language === 'gl')?.description).toBe('gl (Galician; from es; from en, pt pivoted via es)');
  });

  it('in /parley languages and /parley me: the bot answers with the refusal and changes nothing', async () => {
    const { threadId, users } = newThread(2);
    await holder.admin!.add(threadId, { languages: ['es'] });
    expect(await command(threadId, users[0]!, '/parley languages es,de')).toMatch(
      /^parley: The offline engine \(Apertium\) cannot translate into de \(German\)\. Available: .* This thread's languages are unchanged\.$/,
    );
    expect((await bot.settings.get(threadId))?.languages).toEqual(['es']);
    expect(await command(threadId, users[1]!, '/parley me de')).toMatch(/cannot translate into de \(German\).* Your reading languages are unchanged\.$/);
    expect(await bot.settings.readers(threadId)).toEqual({});
    expect(await command(threadId, users[1]!, '/parley me gl')).toBe(
      'parley: you read gl (Galician; from es; from en, pt pivoted via es); messages will be translated for you.',
    );
    expect(await bot.settings.readers(threadId)).toEqual({ [users[1]!]: ['gl'] });
  });
});

describe('a thread asking for a language the engine cannot serve', () => {
  it('gets translations and nothing else in its content; metadata states what was skipped and what was pivoted', async () => {
    const { threadId, users } = newThread(2);
    await holder.admin!.add(threadId, { languages: ['es'] });
    // Set behind the check's back, as if the engine changed since (a pair uninstalled).
    await bot.settings.put(threadId, { languages: ['de', 'es'] });
    expect(await command(threadId, users[1]!, '/parley me gl')).toMatch(/^parley: you read gl/);

    const m = backend.chat.sendMessage(users[0]!, threadId, { content: 'The house is very big and the dog is black.', type: 'text' });
    const post = await watch.posted(threadId, m.id, 45_000);
    const lines = (post.content.message ?? '').split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[es\] La casa es muy grande/);
    expect(lines[1]).toMatch(/^\[gl\] A casa é moi grande/);
    expect(post.metadata).toMatchObject({ parleyLanguages: 'es,gl', parleyUntranslated: 'de', parleyVia: '{"gl":"es"}' });
    expect(JSON.parse(post.metadata!.parleyStates!)).toEqual({ de: 'skipped:no-engine-pair', es: 'ready', gl: 'ready' });

    // The whole thread, as its members read it: no engine diagnostics anywhere.
    const history: Message[] = backend.chat.listMessages(users[0]!, threadId, { limit: 200, startTime: -1, beforeSeq: null }).messages;
    for (const message of history) expect(message.content.message ?? '').not.toMatch(/not translated|Apertium|pair installed|\(installed:/);

    // The operator is told, where operators look.
    const list = (await (await adminFetch(backend.url, backend.accessKey, 'GET', '/admin/bot/threads')).json()) as { value: { threadId: string; notes: string[] }[] };
    expect(list.value.find((t) => t.threadId === threadId)?.notes).toContainEqual(expect.stringMatching(/cannot translate into de \(German\).*Messages are not translated into de\.$/));
    const overview = (await (await dashboard('GET', '/dashboard/api/overview')).json()) as { recent: { messageId?: string; states?: Record<string, string> }[] };
    expect(overview.recent.find((j) => j.messageId === m.id)?.states).toEqual({ de: 'skipped:no-engine-pair', es: 'ready', gl: 'ready' });
    expect((await bot.stats.counters()).languagesSkipped).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
