import crypto from 'node:crypto';
import fs from 'node:fs';
import tls from 'node:tls';

/**
 * Certificates a client trusts on top of Node's bundled CAs, given to its HTTPS and WebSocket
 * connections explicitly. A process cannot rely on `NODE_EXTRA_CA_CERTS` for a certificate it made
 * itself: Node reads that variable once, at start-up, before the certificate exists.
 */
export interface TlsTrust {
  /** The PEM files trusted beside Node's CAs, for messages that say what was trusted. */
  files: string[];
  /** Node's bundled CAs plus the files' certificates (an explicit `ca` replaces the defaults). */
  ca: string[];
  /** One context built from `ca`, shared by every connection of an HTTPS agent. */
  secureContext: tls.SecureContext;
}

/** A PEM file that cannot be read or parsed; `source` names the variable that pointed at it. */
export class TlsTrustError extends Error {
  readonly code = 'TLS_TRUST_FILE';
  constructor(
    readonly file: string,
    readonly source: string,
    cause: unknown,
  ) {
    super(`cannot use the certificate ${file} (${source}): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'TlsTrustError';
  }
}

/**
 * Trust in Node's CAs plus each existing file of `files` (path → the variable or origin that named
 * it). Files that do not exist are skipped (a self-signed certificate not made yet); `undefined`
 * when none is left, so callers keep Node's default trust. A leaf certificate trusted directly
 * (`allowPartialTrustChain`) is enough: a `PARLEY_TLS_CERT` signed by a local CA such as mkcert's
 * works without that CA.
 */
export function tlsTrust(files: Record<string, string>): TlsTrust | undefined {
  const present = Object.entries(files).filter(([file]) => fs.existsSync(file));
  if (present.length === 0) return undefined;
  const extra = present.map(([file, source]) => {
    try {
      const pem = fs.readFileSync(file, 'utf8');
      // Parsed one by one, so a bad file is named (createSecureContext would not say which).
      new crypto.X509Certificate(pem);
      return pem;
    } catch (err) {
      throw new TlsTrustError(file, source, err);
    }
  });
  const ca = [...tls.rootCertificates, ...extra];
  return { files: present.map(([file]) => file), ca, secureContext: tls.createSecureContext({ ca, allowPartialTrustChain: true }) };
}
