/**
 * A newcomer's first run, as child processes with a clean environment (no NODE_EXTRA_CA_CERTS):
 * `PARLEY_TLS=self-signed npm start` on a fresh data directory comes up ready, the CLI run with the
 * same environment finds the certificate by itself, TLS mistakes are named with their fix, and
 * `parley demo` run twice gives one thread, two people and links whose tokens work.
 */
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatRestClient, type WireMessage } from '../../../src/client/chat-rest-client.js';
import { TokenManager } from '../../../src/client/token-manager.js';
import { tlsTrust, type TlsTrust } from '../../../src/lib/tls-trust.js';
import { deletePrefix, REDIS_URL, uniquePrefix } from '../../support/bot-env.js';
import { tempDir } from '../../support/chat-server.js';
import { cleanEnv, freePort, parseInviteLink, runCli, startServer, type RunningServer } from '../../support/cli-process.js';
import { eventually } from '../../support/dashboard-stack.js';

const prefix = uniquePrefix('first-run');
const dataDir = tempDir();
let port: number;
let env: Record<string, string>;
let server: RunningServer;
let base: string;
let trust: TlsTrust;

beforeAll(async () => {
  port = await freePort();
  // What the README says to run, plus a port and a key prefix of this test's own.
  env = cleanEnv({ PARLEY_TLS: 'self-signed', PARLEY_PORT: String(port), PARLEY_DATA_DIR: dataDir, PARLEY_REDIS_PREFIX: prefix, PARLEY_LOG_LEVEL: 'warn' });
  server = await startServer('npm', ['start'], env);
  base = `https://127.0.0.1:${port}`;
  trust = tlsTrust({ [path.join(dataDir, 'tls', 'cert.pem')]: 'test' })!;
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await deletePrefix(REDIS_URL, prefix);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** GET over HTTPS trusting the certificate the server made. */
function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca: trust.ca }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

const clientWith = (token: string) => new ChatRestClient({ endpoint: base, tls: trust, tokens: new TokenManager(async () => ({ token, expiresOn: new Date(Date.now() + 3_600_000) })) });

async function history(client: ChatRestClient, threadId: string): Promise<WireMessage[]> {
  const all: WireMessage[] = [];
  for await (const m of client.listMessages(threadId)) all.push(m);
  return all.reverse();
}

const senderOf = (m: WireMessage) => m.senderCommunicationIdentifier?.communicationUser?.id ?? m.senderCommunicationIdentifier?.rawId;

describe('PARLEY_TLS=self-signed npm start, on a fresh data directory, without NODE_EXTRA_CA_CERTS', () => {
  it('comes up ready: HTTPS with the certificate it made, the bot connected over it', async () => {
    expect(server.output()).toContain(`chat API (ACS):     ${base}`);
    expect(server.output()).toContain(path.join(dataDir, 'tls', 'cert.pem'));
    expect(server.output()).not.toMatch(/fetch failed/);
    const ready = await get(`${base}/readyz`);
    expect(ready.status, ready.body).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({ status: 'ready', checks: { backend: true, bot: true, redis: true } });
  });

  it('serves the CLI run with the same environment: it finds the certificate in PARLEY_DATA_DIR', async () => {
    const list = await runCli(['bot', 'list'], env);
    expect(list.stderr).toBe('');
    expect(list.code).toBe(0);
    // A call the backend answers over HTTPS: its answer, not a connection failure.
    const add = await runCli(['bot', 'add', '19:none@thread.v2', '--languages', 'es'], env);
    expect(add.code).toBe(1);
    expect(add.stderr).toBe("parley: Thread '19:none@thread.v2' was not found.\n");
  });

  it('names the cause and the fix of a TLS mistake, never a bare "fetch failed"', async () => {
    const key = fs.readFileSync(path.join(dataDir, 'access-key'), 'utf8').trim();
    // Elsewhere, without the server's data directory: its certificate is unknown here.
    const untrusted = await runCli(['bot', 'add', '19:none@thread.v2'], cleanEnv({ PARLEY_CHAT_URL: base, PARLEY_ACCESS_KEY: key, PARLEY_DATA_DIR: tempDir(), PARLEY_REDIS_PREFIX: prefix }));
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toContain(`the chat backend at ${base} presented a certificate this process does not trust`);
    expect(untrusted.stderr).toContain('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(untrusted.stderr).toMatch(/PARLEY_DATA_DIR.*tls\/cert\.pem/);
    expect(untrusted.stderr).toContain('PARLEY_TLS_CERT');

    // Without PARLEY_TLS the CLI speaks http to an https server.
    const { PARLEY_TLS: _tls, ...plain } = env;
    const http = await runCli(['bot', 'add', '19:none@thread.v2'], plain);
    expect(http.code).toBe(1);
    expect(http.stderr).toContain(`the chat backend at http://127.0.0.1:${port} hung up without answering. A backend that is restarting does that; if it keeps happening, it most likely serves HTTPS`);
    expect(http.stderr).toContain('PARLEY_TLS');

    for (const r of [untrusted, http]) expect(r.stderr).not.toMatch(/fetch failed|is it running/);
  });

  it('parley demo, run twice: one thread, Ana (en) and Bruno (es), samples once, links whose tokens work', async () => {
    const first = await runCli(['demo'], env);
    expect(first.code, first.stderr).toBe(0);
    const lines = first.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^Ana \\(en\\): ${base.replace(/\./g, '\\.')}/#token=[\\w-]+\\.[\\w-]+\\.[\\w-]+&thread=[^&]+&name=Ana&reads=en$`));
    expect(lines[1]).toMatch(new RegExp(`^Bruno \\(es\\): ${base.replace(/\./g, '\\.')}/#token=[\\w-]+\\.[\\w-]+\\.[\\w-]+&thread=[^&]+&name=Bruno&reads=es$`));
    const [ana, bruno] = lines.map((l) => parseInviteLink(l.slice(l.indexOf(': ') + 2)));
    expect(ana!.threadId).toMatch(/^19:.+@thread\.v2$/);
    expect(bruno!.threadId).toBe(ana!.threadId);

    const second = await runCli(['demo'], env);
    expect(second.code, second.stderr).toBe(0);
    const again = second.stdout.trimEnd().split('\n').map((l) => parseInviteLink(l.slice(l.indexOf(': ') + 2)));
    expect(again.map((p) => [p.name, p.reads, p.threadId, p.userId])).toEqual([
      ['Ana', ['en'], ana!.threadId, ana!.userId],
      ['Bruno', ['es'], ana!.threadId, bruno!.userId],
    ]);
    expect(again[0]!.token).not.toBe(ana!.token);

    // The second run's tokens work against the API, as each person.
    const threadId = ana!.threadId;
    const asAna = clientWith(again[0]!.token);
    const asBruno = clientWith(again[1]!.token);
    expect(await asAna.getThread(threadId)).toMatchObject({ id: threadId, topic: 'parley demo' });
    const people = await asBruno.listParticipants(threadId);
    expect(people.map((p) => p.displayName).sort()).toEqual(['Ana', 'Bruno', 'parley']);

    // The bot said hello once, the samples went in once, and each person's messages get translated for the other.
    const messages = await eventually(async () => {
      const all = await history(asAna, threadId);
      const translations = all.filter((m) => m.metadata?.parleyKind === 'translation');
      return translations.length >= 4 ? all : null;
    }, 60_000);
    const said = messages.filter((m) => [ana!.userId, bruno!.userId].includes(senderOf(m) ?? '') && m.type === 'text');
    expect(said.map((m) => m.senderDisplayName)).toEqual(['Ana', 'Bruno', 'Ana', 'Bruno']);
    const greetings = messages.filter((m) => m.metadata?.parleyKind === 'greeting');
    expect(greetings).toHaveLength(1);
    expect(greetings[0]!.content?.message).toContain('English (en), Spanish (es)');
    for (const m of said) {
      const post = messages.find((p) => p.metadata?.parleySourceId === m.id)!;
      expect(post.metadata?.parleyLanguages).toBe(senderOf(m) === ana!.userId ? 'es' : 'en');
    }
    const firstPost = messages.find((p) => p.metadata?.parleySourceId === said[0]!.id)!;
    expect(firstPost.content?.message).toContain('[es] Hola Bruno');

    // And Bruno can write with his link.
    await asBruno.sendMessage(threadId, { content: 'Hola a todos.' });
  }, 240_000);

  it('parley invite lets one more person in, with the languages they read', async () => {
    const demo = parseInviteLink((await runCli(['demo'], env)).stdout.split('\n')[0]!.replace(/^Ana \(en\): /, ''));
    const r = await runCli(['invite', demo.threadId, '--name', 'Carla Núñez', '--reads', 'gl,pt'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    const carla = parseInviteLink(r.stdout.trim());
    expect(carla).toMatchObject({ base, threadId: demo.threadId, name: 'Carla Núñez', reads: ['gl', 'pt'] });
    expect(r.stdout).toContain('&name=Carla%20N%C3%BA%C3%B1ez&reads=gl,pt');
    const people = await clientWith(carla.token).listParticipants(demo.threadId);
    expect(people.map((p) => p.displayName)).toContain('Carla Núñez');
  }, 120_000);
});
