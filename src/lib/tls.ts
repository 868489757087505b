import fs from 'node:fs';
import path from 'node:path';
import { generate } from 'selfsigned';
import { privateDir, privateFiles } from './private-files.js';

export interface TlsMaterial {
  key: string;
  cert: string;
  /** Path of the certificate file, for `NODE_EXTRA_CA_CERTS`. */
  certFile: string;
  created: boolean;
}

/**
 * A development certificate for 127.0.0.1, ::1 and localhost (plus `host`), made once and kept under
 * `dir`, so clients can trust it across restarts.
 */
export async function ensureSelfSignedCert(dir: string, host?: string): Promise<TlsMaterial> {
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  if (fs.existsSync(certFile) && fs.existsSync(keyFile)) {
    privateFiles(keyFile);
    return { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8'), certFile, created: false };
  }
  const altNames: { type: 2 | 7; value?: string; ip?: string }[] = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
    { type: 7, ip: '::1' },
  ];
  if (host && !['127.0.0.1', '::1', 'localhost', '0.0.0.0', '::'].includes(host)) {
    altNames.push(/^[\d.]+$|:/.test(host) ? { type: 7, ip: host } : { type: 2, value: host });
  }
  const pems = await generate([{ name: 'commonName', value: 'parley development' }], {
    keySize: 2048,
    notAfterDate: new Date(Date.now() + 825 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  privateDir(dir);
  fs.writeFileSync(keyFile, pems.private, { mode: 0o600 });
  fs.writeFileSync(certFile, pems.cert);
  return { key: pems.private, cert: pems.cert, certFile, created: true };
}
