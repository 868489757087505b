import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deletePrefix, REDIS_URL, uniquePrefix, within } from '../../support/bot-env.js';
import { startTestBackend, tempDir, type TestBackend } from '../../support/chat-server.js';

/**
 * `parley bot run` serves the Event Grid receiver `/bot/events` only in webhook mode, and refuses to
 * start webhook mode without a secret: nobody can feed a WebSocket-mode bot forged events.
 */
const prefix = uniquePrefix('bot-events');
let backend: TestBackend;
const children: ChildProcess[] = [];

beforeAll(async () => {
  backend = await startTestBackend();
});

afterAll(async () => {
  await Promise.all(
    children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((resolve) => (c.once('exit', resolve), c.kill('SIGTERM'))) : undefined)),
  );
  await backend.close();
  await deletePrefix(REDIS_URL, prefix);
});

function parleyBot(env: Record<string, string>): { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['bin/parley.js', 'bot', 'run'], {
    env: {
      ...process.env,
      PARLEY_DATA_DIR: tempDir(),
      PARLEY_CHAT_URL: backend.url,
      PARLEY_ACCESS_KEY: backend.accessKey,
      PARLEY_REDIS_PREFIX: prefix,
      PARLEY_BOT_PORT: '0',
      PARLEY_PROVIDER: 'local',
      PARLEY_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** The bot's HTTP base URL, from its start-up banner. */
function httpUrl(run: ReturnType<typeof parleyBot>): Promise<string> {
  const found = () => /http: (http:\/\/127\.0\.0\.1:\d+)/.exec(run.stdout())?.[1];
  return within(
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const url = found();
        if (url) resolve(url);
      };
      run.child.stdout!.on('data', check);
      void run.exited.then((code) => reject(new Error(`parley bot exited (${code}): ${run.stderr()}`)));
      check();
    }),
    60_000,
    'parley bot to print its HTTP address',
  );
}

async function stop(run: ReturnType<typeof parleyBot>): Promise<void> {
  run.child.kill('SIGTERM');
  await within(run.exited, 30_000, 'parley bot to stop');
}

const forged = JSON.stringify([{ eventType: 'Microsoft.Communication.ChatMessageReceived', data: { threadId: '19:x@thread.v2', messageId: '1', messageBody: 'forged' } }]);
const post = (url: string) => fetch(`${url}/bot/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: forged });

describe('parley bot run and /bot/events', () => {
  it('has no /bot/events in WebSocket mode (the default): 404', async () => {
    const run = parleyBot({});
    const url = await httpUrl(run);
    expect(run.stdout()).not.toMatch(/\/bot\/events/);
    const res = await post(url);
    expect(res.status).toBe(404);
    await stop(run);
  });

  it('refuses to start webhook mode without PARLEY_WEBHOOK_SECRET, saying how to set it', async () => {
    const run = parleyBot({ PARLEY_BOT_EVENTS: 'webhook' });
    expect(await within(run.exited, 60_000, 'parley bot to exit')).toBe(2);
    expect(run.stderr()).toMatch(/PARLEY_WEBHOOK_SECRET: required with PARLEY_BOT_EVENTS=webhook/);
    expect(run.stderr()).toMatch(/openssl rand -hex 32/);
  });

  it('in webhook mode with a secret, refuses unsigned deliveries: 401', async () => {
    const secret = 'cli-test-webhook-secret-0123456789';
    const run = parleyBot({ PARLEY_BOT_EVENTS: 'webhook', PARLEY_WEBHOOK_SECRET: secret });
    const url = await httpUrl(run);
    const res = await post(url);
    expect(res.status).toBe(401);
    expect(run.stdout()).not.toContain(secret);
    await stop(run);
  });
});
