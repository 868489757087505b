/**
 * The real `parley` entry points as child processes in a clean environment: HOME, PATH and the
 * variables a test gives, nothing else (no NODE_EXTRA_CA_CERTS), as a newcomer's shell would have.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { within } from './bot-env.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** HOME and PATH, plus `vars`. */
export function cleanEnv(vars: Record<string, string>): Record<string, string> {
  return { HOME: process.env.HOME ?? os.homedir(), PATH: process.env.PATH ?? '/usr/bin:/bin', ...vars };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/parley.js …args` with exactly `env`, to its end. */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 90_000): Promise<CliRun> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/parley.js'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<CliRun>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  return within(done, timeoutMs, `parley ${args.join(' ')}`).catch((err: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\nstdout: ${stdout}\nstderr: ${stderr}`);
  });
}

/** A port that was free a moment ago (the server must listen on a known port: the CLI derives its URL from PARLEY_PORT). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  child: ChildProcess;
  /** Everything printed so far. */
  output(): string;
  /** SIGTERM to the whole process group (npm and the node it runs), then waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts a long-running command (`npm start`, `node bin/parley.js up`) in its own process group and
 * resolves once it printed `ready` (a line), or rejects with its output if it exits first.
 */
export async function startServer(command: string, args: string[], env: Record<string, string>, ready = /^parley is up$/m, timeoutMs = 120_000): Promise<RunningServer> {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server: RunningServer = {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        return;
      }
      await within(exited, 30_000, `${command} to stop`).catch(() => process.kill(-child.pid!, 'SIGKILL'));
      // `npm` exits on SIGTERM before the parley process it started has finished its graceful stop
      // (which still writes to Redis): wait until the whole process group is gone.
      await within(groupGone(child.pid!), 30_000, `${command}'s processes to stop`).catch(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      });
    },
  };
  const up = new Promise<void>((resolve, reject) => {
    const check = () => (ready.test(out) ? resolve() : undefined);
    child.stdout!.on('data', check);
    child.once('exit', (code, signal) => reject(new Error(`${command} ${args.join(' ')} exited (${code ?? signal}) before it was ready:\n${out}`)));
  });
  try {
    await within(up, timeoutMs, `${command} ${args.join(' ')} to be ready`);
  } catch (err) {
    await server.stop();
    throw new Error(`${(err as Error).message}\n${out}`);
  }
  return server;
}

/** The parts of an invite link (`<base>/#token=…&thread=…&name=…&reads=…`). */
export function parseInviteLink(link: string): { base: string; token: string; threadId: string; name: string; reads: string[]; userId: string } {
  const url = new URL(link);
  const params = new URLSearchParams(url.hash.slice(1));
  const token = params.get('token') ?? '';
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { skypeid: string };
  return {
    base: `${url.origin}${url.pathname === '/' ? '' : url.pathname}`,
    token,
    threadId: params.get('thread') ?? '',
    name: params.get('name') ?? '',
    reads: (params.get('reads') ?? '').split(',').filter(Boolean),
    userId: `8:${claims.skypeid}`,
  };
}

/** Resolves once no process of the group `pgid` is left (checked every 50 ms). */
async function groupGone(pgid: number): Promise<void> {
  for (;;) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
