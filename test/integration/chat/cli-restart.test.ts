import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { ChatClient, type ChatThreadClient } from '@azure/communication-chat';
import { AzureCommunicationTokenCredential } from '@azure/communication-common';
import { CommunicationIdentityClient } from '@azure/communication-identity';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, testTlsEnv } from '../../support/chat-server.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

interface Running {
  child: ChildProcess;
  url: string;
  connectionString: string;
  exited: Promise<number | null>;
}

/** Runs `parley chat` as a user would and waits for the two lines it prints when ready. */
async function startCli(dataDir: string): Promise<Running> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/parley.js'), 'chat'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PARLEY_PORT: '0',
      PARLEY_DATA_DIR: dataDir,
      PARLEY_RATE_LIMITS: 'off',
      PARLEY_LOG_LEVEL: 'warn',
      ...testTlsEnv(),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const lines = readline.createInterface({ input: child.stdout! });
  let url = '';
  let connectionString = '';
  const ready = new Promise<void>((resolve) => {
    lines.on('line', (line) => {
      url ||= /^parley chat backend listening on (\S+)$/.exec(line)?.[1] ?? '';
      // On a pipe the banner names the owner-only credentials file rather than printing the key.
      const file = /^ {2}credentials:\s+(\S+)/.exec(line)?.[1];
      if (file) connectionString = /connection string:\s+(\S+)/.exec(fs.readFileSync(file, 'utf8'))![1]!;
      if (url && connectionString) resolve();
    });
  });
  const failed = exited.then((code) => {
    throw new Error(`parley chat exited (${code}) before it was ready: ${stderr}`);
  });
  await Promise.race([ready, failed]);
  return { child, url, connectionString, exited };
}

async function collect<T>(iter: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iter) out.push(item);
  return out;
}

/** Everything a participant can read of a thread, through the SDK. */
async function snapshot(thread: ChatThreadClient) {
  return {
    properties: await thread.getProperties(),
    messages: await collect(thread.listMessages()),
    participants: await collect(thread.listParticipants()),
    receipts: await collect(thread.listReadReceipts()),
  };
}

describe('parley chat survives kill -9', () => {
  const dataDir = tempDir();
  const running: Running[] = [];
  afterAll(async () => {
    for (const r of running) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await Promise.all(running.map((r) => r.exited));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps identities, tokens, threads, messages, participants and receipts', async () => {
    const first = await startCli(dataDir);
    running.push(first);
    expect(first.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(fs.existsSync(path.join(dataDir, 'access-key'))).toBe(true);

    const identity = new CommunicationIdentityClient(first.connectionString);
    const [alice, bob, revoked] = await Promise.all([1, 2, 3].map(() => identity.createUserAndToken(['chat'])));
    const carol = await identity.createUser();
    const chat = (url: string, token: string) => new ChatClient(url, new AzureCommunicationTokenCredential(token));

    const { chatThread } = await chat(first.url, alice!.token).createChatThread(
      { topic: 'Durable' },
      { participants: [{ id: bob!.user, displayName: 'Bob' }, { id: carol }, { id: revoked!.user }], metadata: { k: 'v' } },
    );
    const threadId = chatThread!.id;
    const t = chat(first.url, alice!.token).getChatThreadClient(threadId);
    const kept = await t.sendMessage({ content: 'keep me' }, { metadata: { tag: 'x' } });
    const edited = await t.sendMessage({ content: '<b>draft</b>' }, { type: 'html' });
    const deleted = await t.sendMessage({ content: 'delete me' });
    await t.updateMessage(edited.id, { content: '<b>final</b>' });
    await t.deleteMessage(deleted.id);
    await t.removeParticipant(carol);
    await t.updateTopic('Durable!');
    await chat(first.url, bob!.token).getChatThreadClient(threadId).sendReadReceipt({ chatMessageId: kept.id });
    const bobsOwn = (await chat(first.url, bob!.token).createChatThread({ topic: "Bob's" })).chatThread!.id;
    await identity.revokeTokens(revoked!.user);
    const before = await snapshot(t);
    const aliceThreads = await collect(chat(first.url, alice!.token).listChatThreads());

    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();

    const second = await startCli(dataDir);
    running.push(second);
    expect(second.connectionString.split(';accesskey=')[1]).toBe(first.connectionString.split(';accesskey=')[1]);

    // The same tokens, against the restarted process.
    const t2 = chat(second.url, alice!.token).getChatThreadClient(threadId);
    expect(await snapshot(t2)).toEqual(before);
    expect(await collect(chat(second.url, alice!.token).listChatThreads())).toEqual(aliceThreads);
    expect((await collect(chat(second.url, bob!.token).listChatThreads())).map((x) => x.id).sort()).toEqual([threadId, bobsOwn].sort());
    expect(before.messages.find((m) => m.id === edited.id)?.content?.message).toBe('<b>final</b>');
    expect(before.messages.find((m) => m.id === deleted.id)?.deletedOn).toBeInstanceOf(Date);

    // Revocation survived, identities survived, and the thread goes on where it stopped.
    await expect(chat(second.url, revoked!.token).getChatThreadClient(threadId).getProperties()).rejects.toMatchObject({ statusCode: 401 });
    const identity2 = new CommunicationIdentityClient(second.connectionString);
    const carolToken = await identity2.getToken(carol, ['chat']);
    expect((await collect(chat(second.url, carolToken.token).getChatThreadClient(threadId).listMessages())).map((m) => m.id)).toContain(kept.id);
    const next = await t2.sendMessage({ content: 'after restart' });
    const latest = await t2.getMessage(next.id);
    expect(Number(latest.sequenceId)).toBe(Math.max(...before.messages.map((m) => Number(m.sequenceId))) + 1);
    expect(Number(next.id)).toBeGreaterThan(Number(deleted.id));
  }, 180_000);
});
