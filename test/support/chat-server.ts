import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChatBackend, type ChatBackendOptions } from '../../src/chat/chat-backend.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Clock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/lib/logger.js';

export interface TestBackendOptions {
  /** Serve HTTPS with the run's certificate (trusted through NODE_EXTRA_CA_CERTS by global-setup). */
  tls?: boolean;
  rateLimits?: boolean;
  clock?: Clock;
  dataDir?: string;
  /** Extra PARLEY_* variables. */
  env?: Record<string, string>;
  /** WebSocket tuning passed to the backend (small heartbeats and buffers in tests). */
  realtime?: ChatBackendOptions['realtime'];
  /** Webhook delivery tuning passed to the backend (small backoff in tests). */
  webhooks?: ChatBackendOptions['webhooks'];
}

export type TestBackend = ChatBackend & { dataDir: string };

/** The run's TLS files, made by global-setup. */
export function testTlsEnv(): Record<string, string> {
  const dir = process.env.PARLEY_TEST_TLS_DIR;
  if (!dir) throw new Error('PARLEY_TEST_TLS_DIR is not set: run through vitest (global-setup makes the certificate)');
  return { PARLEY_TLS_CERT: path.join(dir, 'cert.pem'), PARLEY_TLS_KEY: path.join(dir, 'key.pem') };
}

export const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-'));

/** A real chat backend on 127.0.0.1, port 0, with its own data directory. */
export async function startTestBackend(opts: TestBackendOptions = {}): Promise<TestBackend> {
  const dataDir = opts.dataDir ?? tempDir();
  const config = loadConfig({
    PARLEY_PORT: '0',
    PARLEY_DATA_DIR: dataDir,
    PARLEY_RATE_LIMITS: opts.rateLimits ? 'on' : 'off',
    ...(opts.tls ? testTlsEnv() : {}),
    ...opts.env,
  });
  const backend = await new ChatBackend({ config, logger: createLogger('silent'), clock: opts.clock, realtime: opts.realtime, webhooks: opts.webhooks }).start();
  return Object.assign(backend, { dataDir });
}
