/** Why a request never got an HTTP answer from the chat backend. */
export type ChatConnectionErrorCode =
  /** Nothing listens there, or the host does not resolve. */
  | 'CHAT_UNREACHABLE'
  /** Connected, but no answer in time. */
  | 'CHAT_TIMEOUT'
  /** HTTPS, and the server's certificate is not one this process trusts. */
  | 'CHAT_TLS_UNTRUSTED'
  /** HTTPS, and the certificate does not name the host in the URL. */
  | 'CHAT_TLS_WRONG_HOST'
  /** HTTPS, and the certificate has expired (or is not valid yet). */
  | 'CHAT_TLS_EXPIRED'
  /** An https:// URL, and the server answers plain HTTP. */
  | 'CHAT_TLS_NOT_SERVED'
  /** An http:// URL, and the server hung up: it is restarting, or (when it keeps happening) serves HTTPS. */
  | 'CHAT_CLOSED'
  | 'CHAT_CONNECTION_FAILED';

/**
 * The chat backend could not be talked to at all (no HTTP status), with a message that names the
 * cause and the fix — which certificate, which variable — instead of a bare "fetch failed".
 */
export class ChatConnectionError extends Error {
  constructor(
    readonly code: ChatConnectionErrorCode,
    readonly url: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ChatConnectionError';
  }
}

/** What the failing client trusted, for the message. */
export interface TrustDescription {
  /** PEM files trusted beside Node's CAs (empty: Node's default trust only). */
  files: string[];
}

const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/** The innermost error code of a fetch / https / ws failure (undici and node:http nest it in `cause`). */
export function errorCode(err: unknown): { code?: string; message: string } {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e instanceof Error; depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    // undici's "other side closed" is node:http's ECONNRESET.
    if (code) return { code: code === 'UND_ERR_SOCKET' ? 'ECONNRESET' : code, message: e.message };
    if (!e.cause) break;
    e = e.cause;
  }
  return { message: e instanceof Error ? e.message : String(e) };
}

/**
 * Describes a failure to reach `url` (the chat backend's base URL). Abort and timeout errors are
 * described as timeouts; anything not recognised keeps its own message, with the URL.
 */
export function describeConnectionError(err: unknown, url: string, trust: TrustDescription = { files: [] }): ChatConnectionError {
  if (err instanceof ChatConnectionError) return err;
  const base = url.replace(/\/$/, '');
  const name = (err as Error | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new ChatConnectionError('CHAT_TIMEOUT', base, `the chat backend at ${base} did not answer in time: is it overloaded, or is PARLEY_CHAT_URL pointing at something else?`, { cause: err });
  }
  const { code, message } = errorCode(err);
  const trusted = trust.files.length ? `Node's CA bundle and ${trust.files.join(', ')}` : "Node's CA bundle only (no parley certificate was found)";
  const fixTrust =
    'Run this with the same PARLEY_DATA_DIR as the server (with PARLEY_TLS=self-signed the server keeps its certificate in <PARLEY_DATA_DIR>/tls/cert.pem and parley trusts it from there), ' +
    'or set PARLEY_TLS_CERT and PARLEY_TLS_KEY to the files the server uses.';
  if (code && UNTRUSTED.has(code)) {
    return new ChatConnectionError('CHAT_TLS_UNTRUSTED', base, `the chat backend at ${base} presented a certificate this process does not trust (${code}: ${message}). Trusted here: ${trusted}. ${fixTrust}`, { cause: err });
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new ChatConnectionError(
      'CHAT_TLS_WRONG_HOST',
      base,
      `the chat backend's certificate does not name the host of ${base} (${message}). Use a host the certificate names in PARLEY_CHAT_URL or PARLEY_PUBLIC_URL (the self-signed one names localhost, 127.0.0.1, ::1 and PARLEY_HOST), or delete <PARLEY_DATA_DIR>/tls so PARLEY_TLS=self-signed makes a new one for PARLEY_HOST.`,
      { cause: err },
    );
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new ChatConnectionError(
      'CHAT_TLS_EXPIRED',
      base,
      `the chat backend's certificate is not valid now (${code}). With PARLEY_TLS=self-signed delete <PARLEY_DATA_DIR>/tls and restart the server to make a new one; otherwise renew the file PARLEY_TLS_CERT points at.`,
      { cause: err },
    );
  }
  if (base.startsWith('https:') && (code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long/i.test(message))) {
    return new ChatConnectionError(
      'CHAT_TLS_NOT_SERVED',
      base,
      `the chat backend at ${base} does not speak HTTPS (${code ?? message}): it runs with TLS off. Use the server's settings here: unset PARLEY_TLS (or set PARLEY_CHAT_URL to its http:// URL), or start the server with PARLEY_TLS=self-signed.`,
      { cause: err },
    );
  }
  if (code && UNREACHABLE.has(code)) {
    return new ChatConnectionError(
      'CHAT_UNREACHABLE',
      base,
      `parley is not running at ${base} (${code}): start it with npm start, using the same PARLEY_HOST/PARLEY_PORT (or PARLEY_CHAT_URL) as here.`,
      { cause: err },
    );
  }
  if (code === 'ECONNRESET' && base.startsWith('http:')) {
    return new ChatConnectionError(
      'CHAT_CLOSED',
      base,
      `the chat backend at ${base} hung up without answering. A backend that is restarting does that; if it keeps happening, it most likely serves HTTPS: use the server's settings here, the same PARLEY_TLS (self-signed) or PARLEY_TLS_CERT/PARLEY_TLS_KEY, or an https:// PARLEY_CHAT_URL.`,
      { cause: err },
    );
  }
  return new ChatConnectionError('CHAT_CONNECTION_FAILED', base, `cannot talk to the chat backend at ${base}: ${code ? `${code}: ` : ''}${message}`, { cause: err });
}
