import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** `admin` may look and act; `read` may only look. */
export type DashboardRole = 'admin' | 'read';

/** The two dashboard credentials (base64url), derived from the access key. */
export interface DashboardCredentials {
  admin: string;
  read: string;
}

/** A verified session: who, and the CSRF token its page must send back. */
export interface DashboardSession {
  role: DashboardRole;
  csrf: string;
  expiresAt: number;
}

const derive = (accessKey: string, label: string): string =>
  createHmac('sha256', Buffer.from(accessKey, 'base64')).update(label, 'utf8').digest('base64url');

/**
 * The dashboard credentials of an access key: HMAC-SHA256 of fixed labels, so they can be handed
 * out (and typed into the login form, or sent as `Authorization: Bearer …`) without revealing the
 * key. Rotating the key rotates them and ends every session.
 */
export function dashboardCredentials(accessKey: string): DashboardCredentials {
  return { admin: derive(accessKey, 'parley-dashboard-admin'), read: derive(accessKey, 'parley-dashboard-read') };
}

export interface DashboardAuthOptions {
  /** How long a login lasts. @defaultValue 12 hours */
  sessionTtlMs?: number;
  /** Live sessions kept; past it the oldest is ended. @defaultValue 10000 */
  maxSessions?: number;
  /** @defaultValue Date.now */
  clock?: () => number;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Checks credentials and issues, verifies and ends sessions. A session cookie is
 * `v1.<role>.<expiresAt>.<nonce>.<hmac>` signed with a key derived from the access key: it holds
 * neither the access key nor a credential. Its CSRF token is an HMAC of the nonce. The process also
 * keeps the nonce of every live session, so logging out ends a session on the server (a copied
 * cookie stops working at once), and a restart ends them all.
 */
export class DashboardAuth {
  private readonly credentials: DashboardCredentials;
  private readonly sessionKey: Buffer;
  private readonly ttl: number;
  private readonly clock: () => number;
  private readonly maxSessions: number;
  /** Live sessions: nonce → expiry (epoch ms), oldest first. */
  private readonly live = new Map<string, number>();

  constructor(accessKey: string, { sessionTtlMs = 12 * 3600_000, maxSessions = 10_000, clock = Date.now }: DashboardAuthOptions = {}) {
    this.credentials = dashboardCredentials(accessKey);
    this.sessionKey = Buffer.from(derive(accessKey, 'parley-dashboard-session'), 'base64url');
    this.ttl = sessionTtlMs;
    this.clock = clock;
    this.maxSessions = maxSessions;
  }

  /** The role a presented credential grants, or null. */
  roleOf(credential: string | undefined): DashboardRole | null {
    if (!credential) return null;
    const c = credential.trim();
    if (safeEqual(c, this.credentials.admin)) return 'admin';
    if (safeEqual(c, this.credentials.read)) return 'read';
    return null;
  }

  /** A new session for `role`: the cookie value and how long it lasts (seconds). */
  issue(role: DashboardRole): { value: string; maxAgeSeconds: number } {
    const now = this.clock();
    for (const [nonce, exp] of this.live) if (exp <= now || this.live.size >= this.maxSessions) this.live.delete(nonce);
    const nonce = randomBytes(16).toString('base64url');
    this.live.set(nonce, now + this.ttl);
    const body = `v1.${role}.${now + this.ttl}.${nonce}`;
    return { value: `${body}.${this.sign(body)}`, maxAgeSeconds: Math.floor(this.ttl / 1000) };
  }

  /** Ends the session a cookie value proves (log out); later requests with it are refused. */
  end(value: string | undefined): void {
    const nonce = this.check(value)?.nonce;
    if (nonce) this.live.delete(nonce);
  }

  /** The session a cookie value proves, or null when it is forged, malformed or expired. */
  verify(value: string | undefined): DashboardSession | null {
    const session = this.check(value);
    if (!session || !this.live.has(session.nonce)) return null;
    return { role: session.role, expiresAt: session.expiresAt, csrf: this.sign(`csrf.${session.nonce}`) };
  }

  /** A cookie value's signed fields, when the signature holds and it has not expired. */
  private check(value: string | undefined): { role: DashboardRole; expiresAt: number; nonce: string } | null {
    if (!value) return null;
    const parts = value.split('.');
    if (parts.length !== 5 || parts[0] !== 'v1') return null;
    const [, role, exp, nonce, sig] = parts as [string, string, string, string, string];
    if (!safeEqual(sig, this.sign(parts.slice(0, 4).join('.')))) return null;
    if (role !== 'admin' && role !== 'read') return null;
    const expiresAt = Number(exp);
    if (!Number.isFinite(expiresAt) || expiresAt <= this.clock()) return null;
    return { role, expiresAt, nonce };
  }

  private sign(text: string): string {
    return createHmac('sha256', this.sessionKey).update(text, 'utf8').digest('base64url');
  }
}

/** Reads one cookie from a `Cookie` header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** A `Set-Cookie` value: HttpOnly, SameSite=Strict, Path=/, Secure when served over HTTPS. */
export function sessionCookie(name: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  return [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`, ...(secure ? ['Secure'] : [])].join('; ');
}
