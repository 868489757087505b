/**
 * The CLI names the fix: typos get a "did you mean" at every level, a bare `parley bot` lists its
 * subcommands, a port in use names PARLEY_PORT / PARLEY_BOT_PORT, a REDIS_URL that is not Redis says
 * so, languages the engine cannot serve are refused with what is available, `bot add` without
 * languages says nothing will be translated, `bot list` shows topics and speaks JSON.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL, deletePrefix, uniquePrefix } from '../../support/bot-env.js';
import { startTestBackend, tempDir, type TestBackend } from '../../support/chat-server.js';

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/parley.js', ...args], {
      env: { ...process.env, PARLEY_DATA_DIR: tempDir(), PARLEY_PROVIDER: 'local', PARLEY_LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A TCP server on a free port that answers everything like an HTTP server would (not Redis). */
async function occupiedPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let busy: Awaited<ReturnType<typeof occupiedPort>>;
beforeAll(async () => {
  busy = await occupiedPort();
});
afterAll(() => busy?.close());

describe('typos and bare commands', () => {
  it.each([
    [['bot', 'ad', 'x'], /unknown command 'ad'\n\(Did you mean add\?\)/],
    [['bto'], /unknown command 'bto'\n\(Did you mean bot\?\)/],
    [['queue', 'stat'], /unknown command 'stat'\n\(Did you mean stats\?\)/],
    [['bot', 'add', 'x', '--languges', 'es'], /unknown option '--languges'\n\(Did you mean --languages\?\)/],
    [['bot', 'list', '--jsn'], /unknown option '--jsn'\n\(Did you mean --json\?\)/],
  ])('parley %j suggests the right word', async (args, expected) => {
    const r = await run(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(expected);
  });

  it('a bare `parley bot` lists its subcommands (and starts nothing)', async () => {
    const r = await run(['bot']);
    expect(r.code).toBe(1);
    for (const sub of ['run', 'add', 'config', 'remove', 'list', 'backfill']) expect(r.stderr).toMatch(new RegExp(`^  ${sub}\\b`, 'm'));
    expect(r.stdout).toBe('');
  });
});

describe('start-up errors name the variable to change', () => {
  it('a port in use names PARLEY_PORT (chat backend) and PARLEY_BOT_PORT (bot)', async () => {
    const chat = await run(['chat'], { PARLEY_PORT: String(busy.port) });
    expect(chat.code).toBe(1);
    expect(chat.stderr).toContain(`Port ${busy.port} on 127.0.0.1 is already in use (PARLEY_PORT=${busy.port})`);
    expect(chat.stderr).toMatch(/set PARLEY_PORT to a free port/);
    const bot = await run(['bot', 'run'], { PARLEY_BOT_PORT: String(busy.port), PARLEY_ACCESS_KEY: Buffer.alloc(32, 1).toString('base64') });
    expect(bot.code).toBe(1);
    expect(bot.stderr).toMatch(/already in use \(PARLEY_BOT_PORT=\d+\).*set PARLEY_BOT_PORT to a free port/);
  });

  it('a REDIS_URL that does not speak Redis says so, at start-up and in the CLI', async () => {
    const redisUrl = `redis://127.0.0.1:${busy.port}`;
    const up = await run(['up'], { REDIS_URL: redisUrl, PARLEY_PORT: '0' });
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/Something is listening at redis:\/\/127\.0\.0\.1:\d+ \(REDIS_URL\), but it does not speak Redis \(it answered "HTTP\/1\.1 400 Bad Request" to PING\)/);
    const list = await run(['bot', 'list'], { REDIS_URL: redisUrl });
    expect(list.code).toBe(1);
    expect(list.stderr).toMatch(/does not speak Redis/);
  });
});

describe('bot add / config / list', () => {
  let backend: TestBackend;
  const prefix = uniquePrefix('cli-guidance');
  let env: Record<string, string>;
  beforeAll(async () => {
    backend = await startTestBackend();
    env = { PARLEY_CHAT_URL: backend.url, PARLEY_ACCESS_KEY: backend.accessKey, PARLEY_REDIS_PREFIX: prefix, REDIS_URL };
  });
  afterAll(async () => {
    await backend?.close();
    await deletePrefix(REDIS_URL, prefix);
  });

  it('refuses a language the offline engine cannot serve, naming what it can, before touching anything', async () => {
    const r = await run(['bot', 'add', '19:x@thread.v2', '--languages', 'es,fr,de'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^parley: The offline engine \(Apertium\) cannot translate into fr \(French\), de \(German\)\. Available: en \(from es; .*\), es \(from en, gl, pt\), gl \(.*\), pt \(.*\)\. To add a language, install an Apertium pair/);
  });

  it('refuses a language outside PARLEY_MODEL_LANGUAGES with a model API', async () => {
    const r = await run(['bot', 'add', '19:x@thread.v2', '--languages', 'de'], {
      ...env,
      PARLEY_PROVIDER: 'openai',
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
      PARLEY_MODEL: 'llama3.1',
      PARLEY_MODEL_LANGUAGES: 'es,fr',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/The model llama3\.1 cannot translate into de \(German\)\. Available: es, fr\. To add a language, add it to PARLEY_MODEL_LANGUAGES\./);
  });

  it('says that nothing will be translated without languages; notes pivots; lists topics, as text and JSON', async () => {
    const alice = backend.identity.createUser();
    const { thread } = backend.chat.createThread(alice, { topic: 'Order #42 — delivery', participants: [] });
    const added = await run(['bot', 'add', thread.id], env);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^added the bot: .*languages=- .*\nnote: No languages set: nothing will be translated until languages are set \(parley bot config <threadId> --languages es,fr.*\) or readers say what they read \("\/parley me es"\)\.\n$/);

    const configured = await run(['bot', 'config', thread.id, '--languages', 'es,gl'], env);
    expect(configured.code).toBe(0);
    expect(configured.stdout).toMatch(/^updated: .*languages=es,gl.*\nnote: es \(Spanish\): from en, gl, pt\nnote: gl \(Galician\): from es; from en, pt pivoted via es\n$/);

    const text = await run(['bot', 'list'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${thread.id}  "Order #42 — delivery"  languages=es,gl  mode=translate  analysis=negative  on`);
    const json = await run(['bot', 'list', '--json'], env);
    expect(json.code).toBe(0);
    // The admin API's shape, with topics.
    expect(JSON.parse(json.stdout).value).toEqual([
      expect.objectContaining({ threadId: thread.id, topic: 'Order #42 — delivery', languages: ['es', 'gl'], notes: ['es (Spanish): from en, gl, pt', 'gl (Galician): from es; from en, pt pivoted via es'] }),
    ]);
  });
});
