import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Dependency, describe as describeError } from '../../../src/lib/dependency.js';
import { createLogger } from '../../../src/lib/logger.js';

function setup(probeResults: boolean[] = []) {
  const lines: Array<{ level: number; msg: string }> = [];
  const logger = createLogger('info', new Writable({ write: (c, _e, done) => (lines.push(JSON.parse(String(c))), done()) }));
  const probes = { count: 0 };
  const dep = new Dependency({
    name: 'model',
    endpoint: 'http://model.test/v1',
    logger,
    minProbeMs: 5,
    maxProbeMs: 20,
    probe: async () => {
      probes.count++;
      if (!(probeResults.shift() ?? true)) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    },
  });
  const changes: boolean[] = [];
  dep.onAvailability((a) => changes.push(a));
  return { dep, lines, probes, changes };
}

const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });
const until = async (cond: () => boolean) => {
  while (!cond()) await new Promise((r) => setTimeout(r, 2));
};

describe('Dependency', () => {
  it('stays up after one failure the probe does not confirm (the call retries as usual)', async () => {
    const { dep, lines } = setup([true]);
    dep.succeeded();
    dep.failed(refused);
    expect(await dep.away()).toBe(false);
    expect(dep.status()).toMatchObject({ state: 'up', holding: false });
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
    dep.close();
  });

  it('goes down once a probe confirms a failure, logs it once, holds, and comes back after the probe answers and a call succeeds', async () => {
    const { dep, lines, changes } = setup([false, false, false, true]);
    dep.succeeded();
    dep.failed(refused);
    expect(await dep.away()).toBe(true);
    dep.failed(refused);
    dep.failed(refused);
    expect(dep.status()).toMatchObject({ state: 'down', holding: true, endpoint: 'http://model.test/v1' });
    expect(dep.status().since).not.toBeNull();
    expect(dep.status().lastError).toContain('ECONNREFUSED');
    await until(() => dep.available);
    // Half-open: calls go through, but it is still down until one succeeds.
    expect(dep.isDown).toBe(true);
    dep.succeeded();
    expect(dep.status()).toMatchObject({ state: 'up', since: null, holding: false });
    expect(changes).toEqual([false, true]);
    expect(lines.filter((l) => l.msg.startsWith('model unreachable since'))).toHaveLength(1);
    expect(lines.filter((l) => l.msg.startsWith('model reachable again after'))).toHaveLength(1);
    dep.close();
  });

  it('holds again when a call fails while half-open, without logging a new outage', async () => {
    const { dep, lines, changes } = setup([false, true]);
    await dep.check();
    await until(() => dep.available);
    dep.failed(refused);
    expect(dep.available).toBe(false);
    expect(changes).toEqual([false, true, false]);
    expect(lines.filter((l) => l.msg.startsWith('model unreachable since'))).toHaveLength(1);
    dep.close();
  });

  it('counts as back when two probes answer with no failed call between', async () => {
    const { dep } = setup([false, true, true]);
    expect(await dep.check()).toBe(false);
    await until(() => dep.status().state === 'up');
    expect(dep.status().holding).toBe(false);
    dep.close();
  });

  it('opens after two failures in a row without a probe', () => {
    const dep = new Dependency({ name: 'x', endpoint: 'e', logger: createLogger('silent') });
    dep.failed(refused);
    expect(dep.available).toBe(true);
    dep.failed(refused);
    expect(dep.available).toBe(false);
    dep.close();
  });

  it('describes failures with the system code found along their causes', () => {
    expect(describeError(refused)).toBe('fetch failed (ECONNREFUSED)');
    expect(describeError(new Error('plain'))).toBe('plain');
  });
});
