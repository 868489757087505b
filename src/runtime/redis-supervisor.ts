import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
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
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: timeoutMs, commandTimeout: timeoutMs });
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

/** What is at a Redis URL's host and port: nothing, a Redis server, or something else. */
export type PortProbe = { kind: 'nothing'; error: string } | { kind: 'redis'; reply: string } | { kind: 'other'; reply: string };

/**
 * Opens a plain TCP connection to the URL's host and port and sends `PING`: a Redis server answers
 * `+PONG` (or an error reply such as `-NOAUTH`, which still starts with `-`); anything else — an
 * HTTP server's `HTTP/1.1 400`, silence — is not Redis. Reads at most 200 bytes.
 */
export function probeRedisPort(url: string, timeoutMs = 1500): Promise<PortProbe> {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = Number(u.port || 6379);
  return new Promise((resolve) => {
    let reply = '';
    let connected = false;
    const socket = u.protocol === 'rediss:' ? tlsConnect({ host, port, servername: host, rejectUnauthorized: false }) : netConnect({ host, port });
    const finish = (probe: PortProbe) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(probe);
    };
    const verdict = (): PortProbe => (/^[+-]/.test(reply) ? { kind: 'redis', reply } : { kind: 'other', reply });
    const timer = setTimeout(() => finish(connected ? verdict() : { kind: 'nothing', error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    socket.once(u.protocol === 'rediss:' ? 'secureConnect' : 'connect', () => {
      connected = true;
      socket.write('PING\r\n');
    });
    socket.on('data', (chunk: Buffer) => {
      reply = (reply + chunk.toString('latin1')).slice(0, 200);
      if (reply.includes('\n') || reply.length >= 200) finish(verdict());
    });
    socket.once('end', () => finish(connected ? verdict() : { kind: 'nothing', error: 'connection closed' }));
    socket.once('error', (err: NodeJS.ErrnoException) => finish(connected ? verdict() : { kind: 'nothing', error: err.code ?? err.message }));
  });
}

/** A sentence saying why `url` gives no usable Redis, and what to do about it. */
export async function explainRedis(url: string): Promise<string> {
  const u = new URL(url);
  const where = `${u.protocol}//${u.host}`;
  const probe = await probeRedisPort(url);
  if (probe.kind === 'other') {
    const said = probe.reply.trim() ? `it answered ${JSON.stringify(probe.reply.split(/\r?\n/)[0]!.slice(0, 60))} to PING` : 'it did not answer PING';
    return `Something is listening at ${where} (REDIS_URL), but it does not speak Redis (${said}). Point REDIS_URL at a Redis server, e.g. redis://127.0.0.1:6379.`;
  }
  if (probe.kind === 'redis') {
    return `Redis at ${where} (REDIS_URL) refused parley's connection (${probe.reply.trim().slice(0, 120)}). Check the password in REDIS_URL (redis://:password@host:port) and that it accepts commands.`;
  }
  return `No Redis answers at ${where} (REDIS_URL): ${probe.error}. Start Redis (e.g. \`apt-get install redis-server\`, or \`docker run -p 6379:6379 redis:7\`) or point REDIS_URL at one.`;
}

/**
 * Waits up to `timeoutMs` for the Redis at `url` to answer (in a deployment it may start a moment
 * after parley), then gives up with {@link explainRedis}'s sentence. A port that answers but is not
 * Redis fails at once: waiting would not change it.
 */
export async function requireRedis(url: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await answers(url)) return;
    const probe = await probeRedisPort(url);
    if (probe.kind !== 'nothing' || Date.now() >= until) throw new RedisUnavailableError(await explainRedis(url));
    await new Promise((r) => setTimeout(r, 250));
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
  // Something that is not a usable Redis holds the port: starting one there cannot work.
  if ((await probeRedisPort(url)).kind !== 'nothing') throw new RedisUnavailableError(await explainRedis(url));
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
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // redis-server logs to stdout: its reason for exiting (a port taken, a bad directory) is there.
  let output = '';
  const keep = (d: Buffer) => (output = (output + String(d)).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  for (let i = 0; i < 50; i++) {
    if (child.exitCode !== null) {
      const lines = output.trim().split('\n').slice(-3).join(' | ');
      throw new RedisUnavailableError(`redis-server exited at start (exit code ${child.exitCode}) on port ${port} (REDIS_URL): ${lines || 'it printed nothing'}`);
    }
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
