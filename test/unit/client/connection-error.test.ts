import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { describeConnectionError } from '../../../src/client/connection-error.js';
import { createHttpFetch } from '../../../src/lib/http-fetch.js';

/** A failure as fetch reports it: TypeError('fetch failed') with the socket's error as its cause. */
const failed = (code: string, message = code) => new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });

describe('describeConnectionError', () => {
  it('names an untrusted certificate, what was trusted, and the variables that fix it', () => {
    const e = describeConnectionError(failed('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), 'https://127.0.0.1:8080', { files: ['/srv/parley/tls/cert.pem'] });
    expect(e.code).toBe('CHAT_TLS_UNTRUSTED');
    expect(e.message).toContain("Trusted here: Node's CA bundle and /srv/parley/tls/cert.pem");
    expect(e.message).toContain('PARLEY_DATA_DIR');
    expect(e.message).toContain('PARLEY_TLS_CERT');
    expect(describeConnectionError(failed('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'https://h').message).toContain('no parley certificate was found');
  });

  it('tells a wrong host, an expired certificate, nothing listening and a timeout apart', () => {
    expect(describeConnectionError(failed('ERR_TLS_CERT_ALTNAME_INVALID'), 'https://chat.local').code).toBe('CHAT_TLS_WRONG_HOST');
    expect(describeConnectionError(failed('CERT_HAS_EXPIRED'), 'https://h').message).toContain('delete <PARLEY_DATA_DIR>/tls');
    const refused = describeConnectionError(failed('ECONNREFUSED'), 'http://127.0.0.1:8080/');
    expect(refused.message).toBe('parley is not running at http://127.0.0.1:8080 (ECONNREFUSED): start it with npm start, using the same PARLEY_HOST/PARLEY_PORT (or PARLEY_CHAT_URL) as here.');
    expect(describeConnectionError(new DOMException('timed out', 'TimeoutError'), 'http://h').code).toBe('CHAT_TIMEOUT');
    expect(describeConnectionError(failed('EWHATEVER', 'odd'), 'http://h').message).toBe('cannot talk to the chat backend at http://h: EWHATEVER: odd');
  });

  it('says an https client met a plain-http server (a real one)', async () => {
    const server = http.createServer((_req, res) => res.end('ok')).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const err = await createHttpFetch()(`${url}/`).catch((e: unknown) => e);
      const e = describeConnectionError(err, url);
      expect(e.code).toBe('CHAT_TLS_NOT_SERVED');
      expect(e.message).toContain('does not speak HTTPS');
      expect(e.message).toContain('PARLEY_TLS');
    } finally {
      server.close();
    }
  });
});
