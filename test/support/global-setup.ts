import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureSelfSignedCert } from '../../src/lib/tls.js';

/**
 * Makes one development certificate for the whole run and exports it as NODE_EXTRA_CA_CERTS, which
 * the test workers (forked after this) read at start-up, exactly as a user would trust it.
 */
export default async function setup(): Promise<() => void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-tls-'));
  const material = await ensureSelfSignedCert(dir);
  process.env.NODE_EXTRA_CA_CERTS = material.certFile;
  process.env.PARLEY_TEST_TLS_DIR = dir;
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
