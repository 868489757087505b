import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../support/chat-server.js';

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/parley.js', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('parley CLI errors', () => {
  it('names every bad variable and exits 2, without echoing secrets', async () => {
    const r = await run(['chat'], { PARLEY_PORT: 'abc', PARLEY_RATE_LIMITS: 'maybe', PARLEY_ACCESS_KEY: 'not-base64!secret' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/PARLEY_PORT/);
    expect(r.stderr).toMatch(/PARLEY_RATE_LIMITS/);
    expect(r.stderr).toMatch(/PARLEY_ACCESS_KEY/);
    expect(r.stderr).not.toMatch(/not-base64!secret/);
  });

  it('refuses an unknown language with a helpful message before touching anything', async () => {
    const r = await run(['bot', 'add', '19:x@thread.v2', '--languages', 'es,xx'], { PARLEY_DATA_DIR: tempDir(), PARLEY_ACCESS_KEY: Buffer.alloc(32, 1).toString('base64') });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Unknown language code\(s\): xx/);
  });

  it('says when the backend cannot be reached', async () => {
    const r = await run(['bot', 'add', '19:x@thread.v2', '--languages', 'es'], {
      PARLEY_DATA_DIR: tempDir(),
      PARLEY_ACCESS_KEY: Buffer.alloc(32, 1).toString('base64'),
      PARLEY_CHAT_URL: 'http://127.0.0.1:9',
      PARLEY_REDIS_PREFIX: `cli-${process.pid}`,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/parley is not running at http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\): start it with npm start/);
  });
});
