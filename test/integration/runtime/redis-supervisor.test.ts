import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/lib/logger.js';
import { checkEvictionPolicy } from '../../../src/lib/redis.js';
import { ensureRedis, RedisUnavailableError } from '../../../src/runtime/redis-supervisor.js';

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

const logger = createLogger('silent');

describe('ensureRedis', () => {
  it('uses a Redis that answers, without starting one', async () => {
    const managed = await ensureRedis({ url: 'redis://127.0.0.1:6379', manage: 'auto', dataDir: os.tmpdir(), logger });
    expect(managed.child).toBeUndefined();
  });

  it('starts a private redis-server with AOF and noeviction when none answers, and stops it', async () => {
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-redis-'));
    const managed = await ensureRedis({ url: `redis://127.0.0.1:${port}`, manage: 'auto', dataDir, logger });
    expect(managed.child).toBeDefined();
    const r = new Redis(managed.url);
    try {
      expect(await r.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await r.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      expect(await r.config('GET', 'dir')).toEqual(['dir', path.join(dataDir, 'redis')]);
    } finally {
      r.disconnect();
    }
    await managed.stop();
    expect(managed.child!.exitCode !== null || managed.child!.signalCode !== null).toBe(true);
  });

  it('says plainly how to get a Redis when it may not start one', async () => {
    const port = await freePort();
    const attempt = ensureRedis({ url: `redis://127.0.0.1:${port}`, manage: 'off', dataDir: os.tmpdir(), logger });
    await expect(attempt).rejects.toBeInstanceOf(RedisUnavailableError);
    await expect(attempt).rejects.toThrow(/No Redis answers .* Start Redis/);
  });
});

describe('checkEvictionPolicy', () => {
  it('warns when the Redis in use may evict keys', async () => {
    const port = await freePort();
    const managed = await ensureRedis({ url: `redis://127.0.0.1:${port}`, manage: 'auto', dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'parley-redis-')), logger });
    const r = new Redis(managed.url);
    const warnings: string[] = [];
    const spy = { ...logger, warn: (_o: unknown, msg: string) => void warnings.push(msg) } as unknown as typeof logger;
    try {
      expect(await checkEvictionPolicy(r, spy)).toBe('noeviction');
      expect(warnings).toEqual([]);
      await r.config('SET', 'maxmemory-policy', 'allkeys-lru');
      expect(await checkEvictionPolicy(r, spy)).toBe('allkeys-lru');
      expect(warnings[0]).toMatch(/allkeys-lru.*noeviction/);
    } finally {
      r.disconnect();
      await managed.stop();
    }
  });
});
