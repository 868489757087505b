import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureSelfSignedCert } from '../../src/lib/tls.js';
import { sweepRunKeys } from './redis-leaks.js';

/**
 * Makes one development certificate for the whole run and exports it as NODE_EXTRA_CA_CERTS, which
 * the test workers (forked after this) read at start-up, exactly as a user would trust it.
 *
 * Also names the run (`PARLEY_TEST_RUN`, part of every `uniquePrefix`), so that at the end the keys
 * this run left in the shared Redis can be told from other runs' (several run at once on one
 * machine): they are removed, and the run fails naming the prefixes that leaked them.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-tls-'));
  const material = await ensureSelfSignedCert(dir);
  process.env.NODE_EXTRA_CA_CERTS = material.certFile;
  process.env.PARLEY_TEST_TLS_DIR = dir;
  const run = randomUUID().slice(0, 8);
  process.env.PARLEY_TEST_RUN = run;
  return async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    const leaked = await sweepRunKeys(run);
    if (leaked.keys > 0) {
      // A teardown error alone is printed but leaves the exit code at 0: make the run fail.
      process.exitCode = 1;
      const list = Object.entries(leaked.byPrefix).map(([p, n]) => `  ${p}: ${n}`).join('\n');
      throw new Error(`tests left ${leaked.keys} keys (${leaked.withoutTtl} without a TTL) in the shared Redis; removed now. Clean up in afterAll (deletePrefix):\n${list}\n  for example: ${leaked.examples.join(', ')}`);
    }
  };
}
