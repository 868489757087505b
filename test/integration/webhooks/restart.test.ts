import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openDb, type Db } from '../../../src/chat/store/db.js';
import type { EventGridEvent } from '../../../src/webhooks/envelopes.js';
import { adminFetch } from '../../support/admin-client.js';
import { startTestBackend, tempDir, type TestBackend } from '../../support/chat-server.js';
import { startWebhookReceiver, subscribeWebhook, type WebhookReceiver } from '../../support/webhook-receiver.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

interface PendingRow {
  eventId: string;
  attempts: number;
  envelope: EventGridEvent;
}

/** The outbox's pending rows in creation order. */
function pendingRows(db: Db): PendingRow[] {
  return db
    .prepare<[], { eventId: string; attempts: number; envelope: string }>(
      "SELECT event_id AS eventId, attempts, envelope FROM webhook_outbox WHERE status = 'pending' ORDER BY id",
    )
    .all()
    .map((r) => ({ ...r, envelope: JSON.parse(r.envelope) as EventGridEvent }));
}

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

describe('after a backend restart (close, start on the same data directory)', () => {
  it('delivers every pending event with its original id and envelope', async () => {
    const tuning = { baseDelayMs: 20, maxDelayMs: 100, pollMs: 10, timeoutMs: 2000 };
    const receiver = await startWebhookReceiver();
    cleanup.push(() => receiver.close());
    const first: TestBackend = await startTestBackend({ webhooks: tuning });
    cleanup.push(() => first.close());
    await subscribeWebhook(first, { endpointUrl: receiver.url });
    await receiver.down();

    const [alice, bob] = [first.identity.createUser(), first.identity.createUser()];
    const { thread } = first.chat.createThread(alice, { topic: 'restart', participants: [{ rawId: bob }] });
    for (const m of ['one', 'two', 'three']) first.chat.sendMessage(alice, thread.id, { content: m, type: 'text' });
    // Several refused attempts before the stop, counted in the outbox.
    await vi.waitFor(() => expect(pendingRows(first.store.db)[0]!.attempts).toBeGreaterThanOrEqual(2), { interval: 10, timeout: 5000 });
    await first.close();

    const before = pendingRows(openDbOnce(first.dataDir));
    expect(before).toHaveLength(2 + 3 * 2);

    const second = await startTestBackend({ dataDir: first.dataDir, webhooks: tuning });
    cleanup.push(() => second.close());
    const listed = await adminFetch(second.url, second.accessKey, 'GET', '/admin/eventSubscriptions');
    expect(((await listed.json()) as { value: Array<{ pending: number }> }).value[0]!.pending).toBe(before.length);

    await receiver.up();
    const events = await receiver.waitForEvents(before.length);
    expect(events).toEqual(before.map((r) => r.envelope));
    // Delivery counts went on from where the first process stopped.
    expect(receiver.attempts[0]!.deliveryCount).toBeGreaterThanOrEqual(before[0]!.attempts);
  });
});

describe('closing while a receiver hangs', () => {
  it('does not wait out the request timeout; the interrupted event is redelivered after restart', async () => {
    // Production request timeout (30 s): close() must not wait for it.
    const tuning = { baseDelayMs: 20, maxDelayMs: 100, pollMs: 10 };
    const receiver = await startWebhookReceiver();
    cleanup.push(() => receiver.close());
    const first = await startTestBackend({ webhooks: tuning });
    cleanup.push(() => first.close());
    await subscribeWebhook(first, { endpointUrl: receiver.url, includedEventTypes: ['Microsoft.Communication.ChatMessageReceivedInThread'] });
    receiver.fail({ hang: true, times: 1 });

    const alice = first.identity.createUser();
    const { thread } = first.chat.createThread(alice, { topic: 'hang', participants: [] });
    first.chat.sendMessage(alice, thread.id, { content: 'stuck', type: 'text' });
    const [stuck] = await receiver.waitForAttempts(1);
    const started = Date.now();
    await first.close();
    expect(Date.now() - started).toBeLessThan(5000); // not the 30 s request timeout

    const second = await startTestBackend({ dataDir: first.dataDir, webhooks: tuning });
    cleanup.push(() => second.close());
    const [event] = await receiver.waitForEvents(1);
    expect(event).toEqual(stuck!.event);
    expect(receiver.attempts.map((a) => [a.event.id, a.deliveryCount])).toEqual([
      [stuck!.event.id, 0],
      [stuck!.event.id, 1],
    ]);
  });
});

describe('after kill -9 of `parley chat`', () => {
  // Two process start-ups (tsx): about 2 s each on an idle machine, much more on a busy one.
  it('resumes deliveries from the durable outbox with the original ids', async () => {
    const dataDir = tempDir();
    cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const receiver = await startWebhookReceiver();
    cleanup.push(() => receiver.close());

    const first = await startCli(dataDir);
    const api = new RestApi(first.url, first.accessKey);
    await subscribeWebhook(first, { endpointUrl: receiver.url });
    const [alice, bob] = await Promise.all([api.createUser(), api.createUser()]);
    const threadId = await api.createThread(alice.token, bob.id);
    const early = await receiver.waitForEvents(2); // created + per-user for bob: the subscription works

    await receiver.down();
    for (const m of ['one', 'two', 'three']) await api.send(alice.token, threadId, m); // 201 = committed with its events
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();

    // What the killed process left behind: read straight from its database.
    const db = openDbOnce(dataDir);
    const before = pendingRows(db);
    expect(before.map((r) => r.envelope.eventType.replace('Microsoft.Communication.', ''))).toEqual(
      Array(3).fill(['ChatMessageReceivedInThread', 'ChatMessageReceived']).flat(),
    );

    // The receiver is back before the restart: only the new process can deliver what the old one left.
    await receiver.up();
    await startCli(dataDir);
    const events = await receiver.waitForEvents(early.length + before.length);
    expect(events.slice(early.length)).toEqual(before.map((r) => r.envelope));
    expect(events.slice(early.length).map((e) => e.data.messageBody)).toEqual(['one', 'one', 'two', 'two', 'three', 'three']);
  }, 180_000);
});

/** Opens a stopped backend's database for reading, closed with the test file. */
function openDbOnce(dataDir: string): Db {
  const db = openDb(path.join(dataDir, 'chat.sqlite'));
  cleanup.push(() => db.close());
  return db;
}

interface RunningCli {
  child: ChildProcess;
  url: string;
  accessKey: string;
  exited: Promise<number | null>;
}

/** Runs `parley chat` (plain HTTP, default webhook tuning) and waits until it prints its connection string. */
async function startCli(dataDir: string): Promise<RunningCli> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/parley.js'), 'chat'], {
    cwd: ROOT,
    env: { ...process.env, PARLEY_PORT: '0', PARLEY_DATA_DIR: dataDir, PARLEY_RATE_LIMITS: 'off', PARLEY_LOG_LEVEL: 'warn', PARLEY_TLS: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanup.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const lines = readline.createInterface({ input: child.stdout! });
  const ready = new Promise<{ url: string; accessKey: string }>((resolve) => {
    let url = '';
    lines.on('line', (line) => {
      url ||= /^parley chat backend listening on (\S+)$/.exec(line)?.[1] ?? '';
      // On a pipe the banner names the owner-only credentials file rather than printing the key.
      const file = /^ {2}credentials:\s+(\S+)/.exec(line)?.[1];
      const key = file && /;accesskey=(\S+)$/im.exec(fs.readFileSync(file, 'utf8'))?.[1];
      if (url && key) resolve({ url, accessKey: key });
    });
  });
  const failed = exited.then((code) => {
    throw new Error(`parley chat exited (${code}) before it was ready: ${stderr}`);
  });
  return { child, exited, ...(await Promise.race([ready, failed])) };
}

/** The few REST calls the crash test needs: identities (HMAC) and chat (bearer). */
class RestApi {
  constructor(
    private readonly url: string,
    private readonly accessKey: string,
  ) {}

  async createUser(): Promise<{ id: string; token: string }> {
    const res = await adminFetch(this.url, this.accessKey, 'POST', '/identities?api-version=2023-10-01', { createTokenWithScopes: ['chat'] });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { identity: { id: string }; accessToken: { token: string } };
    return { id: body.identity.id, token: body.accessToken.token };
  }

  async createThread(token: string, member: string): Promise<string> {
    const participants = [{ communicationIdentifier: { rawId: member, communicationUser: { id: member } } }];
    const body = (await this.chat(token, '/chat/threads', { topic: 'crash', participants })) as { chatThread: { id: string } };
    return body.chatThread.id;
  }

  async send(token: string, threadId: string, content: string): Promise<void> {
    await this.chat(token, `/chat/threads/${encodeURIComponent(threadId)}/messages`, { content });
  }

  private async chat(token: string, path: string, body: unknown): Promise<unknown> {
    const res = await fetch(`${this.url}${path}?api-version=2025-03-15`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    expect(res.status, text).toBe(201);
    return JSON.parse(text);
  }
}
