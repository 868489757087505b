import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from '../lib/logger.js';
import { privateDir } from '../lib/private-files.js';

export interface ManagedRedis {
  url: string;
  /** The private redis-server we started, if any. */
  child?: ChildProcess;
  stop(): Promise<void>;
}

/** Thrown when no Redis answers and none can be started; the message says how to get one. */
export class RedisUnavailableError extends Error {
  readonly code = 'REDIS_UNAVAILABLE';
}

async function answers(url: string, timeoutMs = 1500): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: timeoutMs });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

function onPath(bin: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, bin);
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}

/**
 * Uses the Redis at `url` if it answers. Otherwise, when `manage` is on, the URL points at this
 * machine and `redis-server` is installed, starts a private one on that port with AOF on, data
 * under `dataDir/redis` and `noeviction`, and stops it with `stop()`.
 */
export async function ensureRedis(opts: { url: string; manage: 'auto' | 'off'; dataDir: string; logger: Logger }): Promise<ManagedRedis> {
  const { url, logger } = opts;
  if (await answers(url)) return { url, stop: async () => {} };
  const u = new URL(url);
  const local = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(u.hostname);
  const bin = onPath('redis-server');
  if (opts.manage === 'off' || !local || !bin) {
    throw new RedisUnavailableError(
      [
        `No Redis answers at ${u.protocol}//${u.host}.`,
        !local ? 'It is not on this machine, so parley will not start one.' : !bin ? 'redis-server is not installed, so parley cannot start one.' : 'PARLEY_REDIS_MANAGE=off, so parley will not start one.',
        'Start Redis (e.g. `apt-get install redis-server`, or `docker run -p 6379:6379 redis:7`) or point REDIS_URL at one.',
      ].join(' '),
    );
  }
  const dir = path.join(opts.dataDir, 'redis');
  privateDir(dir);
  const port = u.port || '6379';
  const child = spawn(
    bin,
    ['--port', port, '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--maxmemory-policy', 'noeviction', ...(u.password ? ['--requirepass', decodeURIComponent(u.password)] : [])],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  for (let i = 0; i < 50; i++) {
    if (child.exitCode !== null) throw new RedisUnavailableError(`redis-server exited at start (${child.exitCode}): ${stderr.trim().slice(0, 300)}`);
    if (await answers(url, 500)) {
      logger.info({ port, dir }, 'started a private redis-server (AOF on, noeviction)');
      return {
        url,
        child,
        stop: () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new RedisUnavailableError(`redis-server did not answer on port ${port} within 5 s.`);
}
