/**
 * A support team's glossary with the offline engine, end to end: set with the real CLI
 * (`parley bot config --keep … --term …`), honoured by Apertium for real (the terms travel as
 * tokens it cannot mangle), listed by `parley bot list --json`, changed in the thread itself; what
 * the engine cannot do (formality, context) is said where the setting is made.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Bot } from '../../../src/bot/bot.js';
import { createLogger } from '../../../src/lib/logger.js';
import { LocalProvider } from '../../../src/providers/local-provider.js';
import { BotPostWatch, REDIS_URL, deletePrefix, threadWithBot, uniquePrefix } from '../../support/bot-env.js';
import { startTestBackend, tempDir, type TestBackend } from '../../support/chat-server.js';

const prefix = uniquePrefix('glossary-offline');
let backend: TestBackend;
let bot: Bot;
let watch: BotPostWatch;

beforeAll(async () => {
  backend = await startTestBackend();
  bot = await new Bot({ chatUrl: backend.url, accessKey: backend.accessKey, redisUrl: REDIS_URL, prefix, provider: new LocalProvider(), logger: createLogger('silent') }).start();
  watch = new BotPostWatch(backend, () => bot.botId);
});

afterAll(async () => {
  watch?.close();
  await bot?.close();
  await backend?.close();
  await deletePrefix(REDIS_URL, prefix);
});

/** Runs the real CLI against this test's backend and Redis prefix. */
function parley(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = {
      ...process.env,
      REDIS_URL,
      PARLEY_REDIS_PREFIX: prefix,
      PARLEY_REDIS_MANAGE: 'off',
      PARLEY_CHAT_URL: backend.url,
      PARLEY_ACCESS_KEY: backend.accessKey,
      PARLEY_DATA_DIR: tempDir(),
    };
    const child = spawn(process.execPath, ['bin/parley.js', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

it('keeps "Acme Cloud" and says "incidencia" for ticket, set with the CLI, with real Apertium', async () => {
  const { threadId, users } = await threadWithBot(backend, bot, { languages: ['es'] });
  const set = await parley(['bot', 'config', threadId, '--keep', 'Acme Cloud', '--term', 'es:ticket=incidencia', '--formality', 'formal', '--context', '3']);
  expect(set.stderr).toBe('');
  expect(set.code).toBe(0);
  expect(set.stdout).toContain('glossary: keep: Acme Cloud; es: ticket = incidencia');
  expect(set.stdout).toMatch(/^note: The offline engine \(Apertium\) has no formal or informal register/m);
  expect(set.stdout).toMatch(/^note: The offline engine \(Apertium\) translates each message on its own/m);

  const m = backend.chat.sendMessage(users[0]!, threadId, { content: 'Please open a ticket for Acme Cloud.', type: 'text' });
  const post = await watch.posted(threadId, m.id, 45_000);
  const text = post.content.message ?? '';
  expect(text).toContain('Acme Cloud');
  expect(text).toContain('incidencia');
  expect(text).not.toMatch(/Nube|Acmé|entrada|[⟦⟧]/);
  expect(JSON.parse(post.metadata!.parleyStates!)).toEqual({ es: 'ready' });
  expect(JSON.parse(post.metadata!.parleyChecked!).es.split(',')).toEqual(expect.arrayContaining(['placeholders', 'keep', 'terms', 'copy', 'chatter']));

  const listed = await parley(['bot', 'list', '--json']);
  expect(listed.code).toBe(0);
  const thread = (JSON.parse(listed.stdout) as { value: Array<Record<string, unknown>> }).value.find((t) => t.threadId === threadId);
  expect(thread).toMatchObject({ glossary: { keep: ['Acme Cloud'], terms: { es: { ticket: 'incidencia' } } }, formality: 'formal', context: 3, languages: ['es'] });

  const bad = await parley(['bot', 'config', threadId, '--term', 'ticket=incidencia']);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('--term "ticket=incidencia" should look like es:ticket=incidencia');
}, 180_000);

it('changes the glossary and the register from the thread, and says what the offline engine cannot do', async () => {
  const { threadId, users } = await threadWithBot(backend, bot, { languages: ['es'] });
  const alice = users[0]!;
  const command = async (line: string) => {
    const m = backend.chat.sendMessage(alice, threadId, { content: line, type: 'text' });
    return (await watch.posted(threadId, m.id, 45_000)).content.message ?? '';
  };
  expect(await command('/parley keep Acme Cloud')).toBe('parley: glossary updated.\nkeep: Acme Cloud');
  expect(await command('/parley term es ticket = incidencia')).toBe('parley: glossary updated.\nkeep: Acme Cloud\nes: ticket = incidencia');
  expect(await command('/parley glossary')).toBe('parley glossary:\nkeep: Acme Cloud\nes: ticket = incidencia');
  expect(await command('/parley formality formal')).toMatch(/^parley: formality is now formal\.\nThe offline engine \(Apertium\) has no formal or informal register/);
  expect(await command('/parley unkeep acme cloud')).toBe('parley: glossary updated.\nes: ticket = incidencia');
  expect(await command('/parley term xx a = b')).toMatch(/Unknown language code "xx"/);
  expect((await bot.settings.get(threadId))?.glossary).toEqual({ keep: [], terms: { es: { ticket: 'incidencia' } } });
}, 120_000);
