import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { dashboardCredentials } from '../../../src/dashboard/credentials.js';
import { tempDir } from '../../support/chat-server.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const PARLEY = path.join(ROOT, 'bin/parley.js');
/** Escape sequences (colours) a terminal-aware formatter writes. */
const ANSI = /\x1b\[[0-9;]*m/;
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

interface Run {
  child: ChildProcess;
  /** Everything written to stdout so far (a pseudo-terminal turns \n into \r\n: normalised). */
  out: () => string;
  /** Resolves when stdout has a line matching `re`; rejects if the process exits first. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

const running: Run[] = [];
afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
});

/**
 * Runs `parley <args>` with stdout on a pipe, or on a pseudo-terminal (`script` from util-linux
 * gives the command a pty, as a person's terminal would).
 */
function start(args: string[], env: Record<string, string>, opts: { tty: boolean }): Run {
  const command = [process.execPath, PARLEY, ...args].map(quote).join(' ');
  const child = opts.tty
    ? spawn('script', ['-qfec', command, '/dev/null'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'], detached: true })
    : spawn(process.execPath, [PARLEY, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (d) => {
    out += String(d).replace(/\r\n/g, '\n');
    for (const w of waiters) w();
  });
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const run: Run = {
    child,
    out: () => out,
    waitFor: (re, timeoutMs = 90_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const line = out.split('\n').find((l) => re.test(l));
          if (line !== undefined) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(line);
          }
        };
        const timer = setTimeout(() => (waiters.delete(check), reject(new Error(`no line matching ${re} within ${timeoutMs} ms:\n${out}\n${err}`))), timeoutMs);
        void exited.then(() => (waiters.delete(check), clearTimeout(timer), reject(new Error(`parley exited before printing ${re}:\n${out}\n${err}`))));
        waiters.add(check);
        check();
      }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
      await exited;
    },
  };
  running.push(run);
  return run;
}

/** Runs a short command to its end. */
function runToEnd(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PARLEY, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Top-level keys that appear more than once in one JSON line (pino writes a child's bindings as given). */
function repeatedKeys(line: string): string[] {
  const seen = new Set<string>();
  const repeated: string[] = [];
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === '"') {
      let j = i + 1;
      while (line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      const token = line.slice(i + 1, j);
      if (depth === 1 && line[j + 1] === ':') {
        if (seen.has(token)) repeated.push(token);
        seen.add(token);
      }
      i = j;
    }
  }
  return repeated;
}

const chatEnv = (dataDir: string, extra: Record<string, string> = {}) => ({ PARLEY_PORT: '0', PARLEY_DATA_DIR: dataDir, PARLEY_TLS: 'off', PARLEY_LOG_LEVEL: 'info', ...extra });
const accessKeyIn = (dataDir: string) => fs.readFileSync(path.join(dataDir, 'access-key'), 'utf8').trim();

describe('secrets on stdout', { timeout: 180_000 }, () => {
  it('parley chat on a pipe (a log collector) names the owner-only credentials file instead of printing secrets', async () => {
    const dataDir = tempDir();
    const run = start(['chat'], chatEnv(dataDir), { tty: false });
    const line = await run.waitFor(/^ {2}credentials: /);
    const file = /credentials:\s+(\S+)/.exec(line)![1]!;
    expect(file).toBe(path.join(dataDir, 'credentials'));
    const key = accessKeyIn(dataDir);
    const creds = dashboardCredentials(key);
    for (const secret of [key, creds.admin, creds.read]) expect(run.out()).not.toContain(secret);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(new RegExp(`connection string:\\s+endpoint=http://127\\.0\\.0\\.1:\\d+/;accesskey=${key.replace(/[+/=]/g, '\\$&')}`));
    expect(text).toContain(creds.admin);
    expect(text).toContain(creds.read);
  });

  it('does not put an access key given in PARLEY_ACCESS_KEY on disk: the file names the variable', async () => {
    const dataDir = tempDir();
    const key = Buffer.alloc(32, 9).toString('base64');
    const run = start(['chat'], chatEnv(dataDir, { PARLEY_ACCESS_KEY: key }), { tty: false });
    const file = /credentials:\s+(\S+)/.exec(await run.waitFor(/^ {2}credentials: /))![1]!;
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain(key);
    expect(text).toMatch(/connection string:\s+endpoint=http:\/\/127\.0\.0\.1:\d+\/;accesskey=<the value of PARLEY_ACCESS_KEY>/);
    expect(text).toContain(dashboardCredentials(key).admin);
    expect(fs.existsSync(path.join(dataDir, 'access-key'))).toBe(false);
    expect(run.out()).not.toContain(key);
  });

  it('parley chat on a terminal shows the connection string to the person reading it', async () => {
    const dataDir = tempDir();
    const run = start(['chat'], chatEnv(dataDir), { tty: true });
    await run.waitFor(/^ {2}credentials: /);
    expect(run.out()).toContain(`;accesskey=${accessKeyIn(dataDir)}`);
  });

  it('parley up on a pipe prints no secret anywhere on stdout (banner and logs)', async () => {
    const dataDir = tempDir();
    const prefix = `test-up-${process.pid}-${Date.now()}`;
    const redis = new Redis('redis://127.0.0.1:6379');
    try {
      const run = start(['up'], { ...chatEnv(dataDir), PARLEY_LOG_LEVEL: 'debug', PARLEY_REDIS_PREFIX: prefix, PARLEY_REDIS_MANAGE: 'off' }, { tty: false });
      await run.waitFor(/^Add the bot to a thread/);
      const key = accessKeyIn(dataDir);
      const creds = dashboardCredentials(key);
      expect(run.out()).toContain(`credentials:        ${path.join(dataDir, 'credentials')}`);
      expect(fs.readFileSync(path.join(dataDir, 'credentials'), 'utf8')).toContain(creds.admin);
      // An operator logs in to the dashboard: the log says so, once, without the credential.
      const url = /chat API \(ACS\):\s+(\S+)/.exec(run.out())![1]!;
      const login = await fetch(`${url}/dashboard/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `credential=${creds.admin}` });
      expect(login.status).toBe(303);
      await run.waitFor(/"msg":"dashboard login"/);
      for (const secret of [key, creds.admin, creds.read]) expect(run.out()).not.toContain(secret);
      const entries = run.out().split('\n').filter((l) => l.startsWith('{'));
      for (const line of entries) expect(repeatedKeys(line), line).toEqual([]);
      const parsed = entries.map((l) => JSON.parse(l) as { level: number; msg: string; component?: string });
      // Per-request lines are one per request, at debug; info is what an operator follows.
      expect(parsed.filter((e) => e.msg === 'incoming request' || e.msg === 'request completed')).toEqual([]);
      expect(parsed.some((e) => e.msg === 'request' && e.level === 20)).toBe(true);
      expect(parsed.filter((e) => e.level >= 30 && e.component === 'http').map((e) => e.msg)).toEqual([expect.stringMatching(/^Server listening at/)]);
      expect(parsed.find((e) => e.msg === 'dashboard login')).toMatchObject({ level: 30, component: 'dashboard' });
      expect(parsed.find((e) => e.msg === 'bot started')).toMatchObject({ level: 30, component: 'bot' });
      await run.stop();
    } finally {
      const keys = await redis.keys(`*${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
  });

  it('parley credentials prints them on demand, from the same configuration, also as JSON', async () => {
    const dataDir = tempDir();
    const key = Buffer.alloc(32, 3).toString('base64');
    const env = { PARLEY_DATA_DIR: dataDir, PARLEY_ACCESS_KEY: key, PARLEY_PORT: '8443', PARLEY_TLS: 'self-signed' };
    const plain = await runToEnd(['credentials'], env);
    expect(plain.code).toBe(0);
    const creds = dashboardCredentials(key);
    expect(plain.stdout).toContain(`endpoint=https://127.0.0.1:8443/;accesskey=${key}`);
    expect(plain.stdout).toMatch(new RegExp(`dashboard admin credential:\\s+${creds.admin}`));
    expect(plain.stdout).toMatch(new RegExp(`dashboard read-only credential:\\s+${creds.read}`));
    const json = JSON.parse((await runToEnd(['credentials', '--json'], env)).stdout);
    expect(json).toEqual({ connectionString: `endpoint=https://127.0.0.1:8443/;accesskey=${key}`, dashboardUrl: 'https://127.0.0.1:8443/dashboard', admin: creds.admin, read: creds.read });
    const missing = await runToEnd(['credentials'], { PARLEY_DATA_DIR: tempDir() });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No access key: .*PARLEY_ACCESS_KEY/);
  });
});

describe('log format', { timeout: 180_000 }, () => {
  const listening = /Server listening at http/;

  it('is readable lines on a terminal, JSON lines on a pipe', async () => {
    const tty = start(['chat'], chatEnv(tempDir()), { tty: true });
    const pipe = start(['chat'], chatEnv(tempDir()), { tty: false });
    const [ttyLine, pipeLine] = await Promise.all([tty.waitFor(listening), pipe.waitFor(listening)]);
    expect(ttyLine).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] .*INFO.*\[http\] Server listening at http/);
    expect(ANSI.test(ttyLine)).toBe(true);
    expect(() => JSON.parse(ttyLine)).toThrow();
    const json = JSON.parse(pipeLine);
    expect(json).toMatchObject({ level: 30, component: 'http', msg: expect.stringMatching(listening) });
    expect(typeof json.time).toBe('number');
  });

  it('follows PARLEY_LOG_FORMAT when asked: json on a terminal, pretty (without colours) on a pipe', async () => {
    const tty = start(['chat'], chatEnv(tempDir(), { PARLEY_LOG_FORMAT: 'json' }), { tty: true });
    const pipe = start(['chat'], chatEnv(tempDir(), { PARLEY_LOG_FORMAT: 'pretty' }), { tty: false });
    const [ttyLine, pipeLine] = await Promise.all([tty.waitFor(listening), pipe.waitFor(listening)]);
    expect(JSON.parse(ttyLine)).toMatchObject({ component: 'http' });
    expect(pipeLine).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[http\] Server listening at http/);
    expect(ANSI.test(pipeLine)).toBe(false);
  });
});
