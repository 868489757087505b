/**
 * Starts `test/support/bot-worker-process.ts` (what `parley worker` runs) as a child process and
 * resolves once its workers run; stops child processes by signal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REDIS_URL, within } from './bot-env.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The environment of a `parley worker` against `backend` under `prefix`, with the fake model at `modelUrl`. */
export function workerEnv(backend: { url: string; accessKey: string }, modelUrl: string, prefix: string, dataDir: string): Record<string, string> {
  return {
    PARLEY_CHAT_URL: backend.url,
    PARLEY_ACCESS_KEY: backend.accessKey,
    REDIS_URL,
    PARLEY_REDIS_PREFIX: prefix,
    OPENAI_BASE_URL: modelUrl,
    OPENAI_API_KEY: 'x',
    PARLEY_DATA_DIR: dataDir,
  };
}

/** A worker process with `env` on top of this process's environment; resolves when it prints `ready`. */
export async function startWorkerProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/bot-worker-process.ts'], {
    cwd: ROOT,
    env: { ...process.env, PARLEY_BOT_PORT: '0', PARLEY_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += String(d);
      if (/^ready /m.test(output)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`worker exited (${code ?? signal}) before it was ready:\n${output.slice(-2000)}`)));
  });
  try {
    await within(ready, timeoutMs, 'the worker process to start');
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return child;
}

/** Sends `signal` and resolves once the process is gone. */
export function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  return exited;
}
