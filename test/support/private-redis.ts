/**
 * A redis-server of a test's own, on a free port, with AOF fsynced on every write, so a test can
 * SIGKILL it under load and start it again on the same data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { within } from './bot-env.js';

export interface PrivateRedis {
  url: string;
  port: number;
  dir: string;
  /** SIGKILL: no shutdown, no final save; resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port and directory; resolves once it accepts connections. */
  restart(): Promise<void>;
  /** Stops it and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

/** A port nothing listens on right now (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction'];
  let child: ChildProcess;

  const launch = async (): Promise<void> => {
    child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        output += String(d);
        if (output.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output.slice(-500)}`)));
    });
    // A budget for a loaded 2-core machine; the wait ends at the ready line, not at the budget.
    await within(ready, 60_000, `redis-server on port ${port}`);
  };

  await launch();
  let stopped: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    restart: launch,
    stop: () =>
      (stopped ??= (async () => {
        child.kill('SIGTERM');
        await exited(child);
        fs.rmSync(dir, { recursive: true, force: true });
      })()),
  };
}
