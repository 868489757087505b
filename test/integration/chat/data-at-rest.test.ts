import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openDb } from '../../../src/chat/store/db.js';
import { ensureSelfSignedCert } from '../../../src/lib/tls.js';
import { verifySignature } from '../../../src/webhooks/signature.js';
import { startTestBackend, tempDir, type TestBackend } from '../../support/chat-server.js';
import { startWebhookReceiver, subscribeWebhook, type WebhookReceiver } from '../../support/webhook-receiver.js';

const mode = (p: string) => fs.statSync(p).mode & 0o777;
const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

async function backend(dataDir: string, env: Record<string, string> = {}): Promise<TestBackend> {
  const b = await startTestBackend({ dataDir, env, webhooks: { baseDelayMs: 20, maxDelayMs: 100, pollMs: 10, timeoutMs: 2000 } });
  cleanup.push(() => b.close());
  return b;
}

/** Every byte of the store on disk (database and WAL), as latin1 text to search. */
const storeBytes = (dir: string) =>
  ['chat.sqlite', 'chat.sqlite-wal'].map((f) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f)).toString('latin1') : '')).join('');

describe('the data directory at rest', () => {
  it('is owner-only: 0700 directories, 0600 store (with its -wal and -shm), access key and certificate key', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const b = await backend(dataDir);
    const [alice] = [b.identity.createUser()];
    const { thread } = b.chat.createThread(alice, { topic: 'private', participants: [] });
    b.chat.sendMessage(alice, thread.id, { content: 'nobody else may read this', type: 'text' });
    await ensureSelfSignedCert(path.join(dataDir, 'tls'));
    expect(mode(dataDir)).toBe(0o700);
    for (const f of ['chat.sqlite', 'chat.sqlite-wal', 'chat.sqlite-shm', 'access-key', 'tls/key.pem']) expect(mode(path.join(dataDir, f)), f).toBe(0o600);
    expect(mode(path.join(dataDir, 'tls'))).toBe(0o700);
  });

  it('tightens a data directory an older version left readable by others', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const first = await backend(dataDir);
    first.chat.createThread(first.identity.createUser(), { topic: 'old', participants: [] });
    await first.close();
    fs.chmodSync(dataDir, 0o755);
    for (const f of ['chat.sqlite', 'access-key']) fs.chmodSync(path.join(dataDir, f), 0o644);
    await backend(dataDir);
    expect(mode(dataDir)).toBe(0o700);
    for (const f of ['chat.sqlite', 'chat.sqlite-wal', 'chat.sqlite-shm', 'access-key']) expect(mode(path.join(dataDir, f)), f).toBe(0o600);
  });
});

describe('webhook secrets at rest', () => {
  let receiver: WebhookReceiver;
  const SECRET = 'a-webhook-secret-nobody-should-find-0123456789';

  it('are sealed in the store, and deliveries are still signed with them', async () => {
    receiver = await startWebhookReceiver();
    cleanup.push(() => receiver.close());
    const dataDir = tempDir();
    const b = await backend(dataDir);
    await subscribeWebhook(b, { endpointUrl: receiver.url, secret: SECRET });
    b.store.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(storeBytes(dataDir)).not.toContain(SECRET);
    const stored = b.store.db.prepare<[], { secret: string }>('SELECT secret FROM webhook_subscriptions').get()!.secret;
    expect(stored).toMatch(/^enc1\./);
    const alice = b.identity.createUser();
    b.chat.createThread(alice, { topic: 'sealed', participants: [] });
    await receiver.waitForEvents(1);
    const delivery = receiver.attempts.at(-1)!;
    expect(verifySignature(SECRET, delivery.headers['parley-signature'] as string, delivery.body)).toBe(true);
  });

  it('stored in clear by an older version are sealed when the backend opens the store, and keep working', async () => {
    const dataDir = tempDir();
    const first = await backend(dataDir);
    await subscribeWebhook(first, { endpointUrl: receiver.url, secret: SECRET });
    await first.close();
    // What an older version wrote: the secret in clear.
    const db = openDb(path.join(dataDir, 'chat.sqlite'));
    db.prepare('UPDATE webhook_subscriptions SET secret = ?').run(SECRET);
    db.close();
    const second = await backend(dataDir);
    second.store.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(second.store.db.prepare<[], { secret: string }>('SELECT secret FROM webhook_subscriptions').get()!.secret).toMatch(/^enc1\./);
    expect(storeBytes(dataDir)).not.toContain(SECRET);
    const before = receiver.attempts.length;
    second.chat.createThread(second.identity.createUser(), { topic: 'migrated', participants: [] });
    await receiver.waitForAttempts(before + 1);
    const delivery = receiver.attempts.at(-1)!;
    expect(verifySignature(SECRET, delivery.headers['parley-signature'] as string, delivery.body)).toBe(true);
  });

  it('sealed under another access key are reported, never used to sign with an empty key', async () => {
    const dataDir = tempDir();
    const first = await backend(dataDir);
    await subscribeWebhook(first, { endpointUrl: receiver.url, secret: SECRET });
    await first.close();
    const rotated = await backend(dataDir, { PARLEY_ACCESS_KEY: Buffer.alloc(32, 7).toString('base64') });
    const [sub] = rotated.webhooks.list();
    expect(sub!.secretProblem).toMatch(/different access key.*register it again/);
    const before = receiver.attempts.length;
    rotated.chat.createThread(rotated.identity.createUser(), { topic: 'rotated', participants: [] });
    const lastError = rotated.store.db.prepare<[], { last_error: string | null }>('SELECT last_error FROM webhook_outbox ORDER BY id DESC');
    // The delivery was attempted and failed with the reason, without reaching the receiver.
    await vi.waitFor(() => expect(lastError.get()?.last_error).toMatch(/cannot be read/), { interval: 10, timeout: 10_000 });
    expect(receiver.attempts.length).toBe(before);
  });
});
