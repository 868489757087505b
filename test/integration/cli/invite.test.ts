/**
 * `parley invite` as a child process in a clean environment, against `parley up` serving
 * PARLEY_TLS_CERT (which the bot and the CLI trust by themselves), checked with the official SDKs.
 */
import fs from 'node:fs';
import { ChatClient } from '@azure/communication-chat';
import { AzureCommunicationTokenCredential } from '@azure/communication-common';
import { CommunicationIdentityClient } from '@azure/communication-identity';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deletePrefix, REDIS_URL, uniquePrefix } from '../../support/bot-env.js';
import { tempDir, testTlsEnv } from '../../support/chat-server.js';
import { cleanEnv, freePort, parseInviteLink, runCli, startServer, type RunningServer } from '../../support/cli-process.js';
import { collect } from '../../compat/sdk-fixture.js';

const prefix = uniquePrefix('invite');
const dataDir = tempDir();
let env: Record<string, string>;
let server: RunningServer;
let base: string;
let threadId: string;
const redis = new Redis(REDIS_URL);

beforeAll(async () => {
  const port = await freePort();
  env = cleanEnv({ ...testTlsEnv(), PARLEY_PORT: String(port), PARLEY_DATA_DIR: dataDir, PARLEY_REDIS_PREFIX: prefix, PARLEY_LOG_LEVEL: 'warn' });
  server = await startServer(process.execPath, ['bin/parley.js', 'up'], env);
  base = `https://127.0.0.1:${port}`;
  // An app's thread, made with the official SDKs (this process trusts the test certificate).
  const credentials = await runCli(['credentials', '--json'], env);
  const { connectionString } = JSON.parse(credentials.stdout) as { connectionString: string };
  const { token } = await new CommunicationIdentityClient(connectionString).createUserAndToken(['chat']);
  const { chatThread } = await new ChatClient(base, new AzureCommunicationTokenCredential(token)).createChatThread({ topic: 'Support' });
  threadId = chatThread!.id;
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await deletePrefix(REDIS_URL, prefix);
  redis.disconnect();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('parley invite', () => {
  it('adds a new person to the thread, stores the languages they read, and prints a link that signs them in', async () => {
    const r = await runCli(['invite', threadId, '--name', 'Ana', '--reads', 'en'], env);
    expect(r.code, r.stderr).toBe(0);
    const link = r.stdout.trimEnd();
    expect(link.split('\n')).toHaveLength(1);
    expect(link).toMatch(new RegExp(`^${base.replace(/\./g, '\\.')}/#token=[\\w-]+\\.[\\w-]+\\.[\\w-]+&thread=${encodeURIComponent(threadId)}&name=Ana&reads=en$`));
    expect(r.stderr).toMatch(/^invited Ana \(8:acs:\S+, reads en\) to 19:/);
    expect(r.stderr).not.toContain(parseInviteLink(link).token);

    const ana = parseInviteLink(link);
    const chat = new ChatClient(base, new AzureCommunicationTokenCredential(ana.token)).getChatThreadClient(threadId);
    expect((await chat.getProperties()).topic).toBe('Support');
    const people = await collect(chat.listParticipants());
    expect(people.find((p) => (p.id as { communicationUserId: string }).communicationUserId === ana.userId)?.displayName).toBe('Ana');
    await chat.sendMessage({ content: 'Hello from the link' });
    // Where `/parley me` keeps it: the bot translates for Ana from now on.
    expect(await redis.hget(`${prefix}:readers:${threadId}`, ana.userId)).toBe('en');
  });

  it('takes several languages, or none', async () => {
    const both = parseInviteLink((await runCli(['invite', threadId, '--name', 'Bea', '--reads', 'ES, pt-BR'], env)).stdout.trim());
    expect(both.reads).toEqual(['es', 'pt']);
    expect(await redis.hget(`${prefix}:readers:${threadId}`, both.userId)).toBe('es,pt');

    const r = await runCli(['invite', threadId, '--name', 'Caio'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/&name=Caio&reads=$/);
    expect(await redis.hget(`${prefix}:readers:${threadId}`, parseInviteLink(r.stdout.trim()).userId)).toBeNull();
  });

  it('uses PARLEY_PUBLIC_URL as the link base when set', async () => {
    const r = await runCli(['invite', threadId, '--name', 'Dora'], { ...env, PARLEY_PUBLIC_URL: 'https://chat.example.test', PARLEY_CHAT_URL: base });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^https:\/\/chat\.example\.test\/#token=/);
  });

  it('says what is wrong with a bad thread id, an unknown thread, a bad language or no name', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['invite', 'general', '--name', 'Ana'], /^parley: 'general' is not a thread id: thread ids look like 19:…@thread\.v2/],
      [['invite', '19:gone@thread.v2', '--name', 'Ana'], /^parley: Thread '19:gone@thread\.v2' was not found/],
      [['invite', threadId, '--name', 'Ana', '--reads', 'en,klingon'], /^parley: Unknown language code "klingon"/],
      // The offline engine (no model API here) cannot translate into German: refused, as in bot add and /parley me.
      [['invite', threadId, '--name', 'Ana', '--reads', 'de'], /^parley: The offline engine \(Apertium\) cannot translate into de \(German\)\. Available: /],
      [['invite', threadId, '--name', '  '], /^parley: Give the person a name/],
      [['invite', threadId], /required option '-n, --name <name>' not specified/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, env);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
    }
  });

  it('parley demo names the fix when parley is not running', async () => {
    const port = await freePort();
    const r = await runCli(['demo'], { ...env, PARLEY_PORT: String(port) });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`parley: parley is not running at https://127.0.0.1:${port} (ECONNREFUSED): start it with npm start, using the same PARLEY_HOST/PARLEY_PORT (or PARLEY_CHAT_URL) as here.\n`);
  });
});
