/**
 * Signing in from an invite link. The link's fragment carries the token, thread, name and reading
 * languages (`#token=…&thread=…&name=…&reads=es,en`); the page keeps them in `sessionStorage` (this
 * tab only) and removes the fragment from the address bar at once.
 */

export interface Session {
  token: string;
  /** Raw id of the signed-in user (`8:acs:…`), from the token. */
  userId: string;
  /** Epoch ms at which the token expires. */
  expiresAt: number;
  /** The thread the link was made for. */
  threadId: string;
  displayName: string;
  /** Languages the link says the person reads (may be empty). */
  reads: string[];
}

export type SessionResult = { ok: true; session: Session } | { ok: false; problem: 'missing' | 'invalid' | 'expired'; threadId?: string; displayName?: string };

const STORAGE_KEY = 'parley.session';

/** Reads the session from the link's fragment (stored, then stripped) or from this tab's storage. */
export function loadSession(now = Date.now()): SessionResult {
  const fromLink = fromFragment(location.hash);
  if (fromLink) {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(fromLink));
    history.replaceState(null, '', location.pathname + location.search);
  }
  let stored: Partial<Record<keyof Omit<Session, 'userId' | 'expiresAt'>, unknown>> | undefined;
  try {
    stored = fromLink ?? (JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as typeof stored) ?? undefined;
  } catch {
    stored = undefined;
  }
  if (!stored || typeof stored.threadId !== 'string') return { ok: false, problem: 'missing' };
  const threadId = stored.threadId;
  const displayName = typeof stored.displayName === 'string' ? stored.displayName : '';
  // A token forgotten after it was refused: the tab still knows which link it was.
  if (typeof stored.token !== 'string') return { ok: false, problem: 'expired', threadId, displayName };
  const claims = tokenClaims(stored.token);
  if (!claims) return { ok: false, problem: 'invalid', threadId, displayName };
  if (claims.expiresAt <= now) return { ok: false, problem: 'expired', threadId, displayName };
  const reads = Array.isArray(stored.reads) ? stored.reads.filter((r): r is string => typeof r === 'string') : [];
  return { ok: true, session: { token: stored.token, userId: claims.userId, expiresAt: claims.expiresAt, threadId, displayName, reads } };
}

/** Keeps the languages the person chose over the link's, for reloads of this tab. */
export function rememberReads(reads: string[]): void {
  try {
    const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Record<string, unknown> | null;
    if (stored) sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ ...stored, reads }));
  } catch {
    // Unreadable storage: the choice still holds for this page.
  }
}

/** Forgets the stored token (it expired or was refused). */
export function forgetToken(): void {
  try {
    const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Record<string, unknown> | null;
    if (stored) sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ ...stored, token: null }));
  } catch {
    sessionStorage.removeItem(STORAGE_KEY);
  }
}

function fromFragment(hash: string): { token: string; threadId: string; displayName: string; reads: string[] } | undefined {
  if (!hash.startsWith('#') || !hash.includes('token=')) return undefined;
  const p = new URLSearchParams(hash.slice(1));
  const token = p.get('token');
  const threadId = p.get('thread');
  if (!token || !threadId) return undefined;
  const reads = (p.get('reads') ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => /^[a-z]{2,3}$/.test(s));
  return { token, threadId, displayName: p.get('name') ?? '', reads };
}

/** The user and expiry an ACS-style token carries (`skypeid`, `exp`); not verified here — the server does that. */
export function tokenClaims(token: string): { userId: string; expiresAt: number } | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const json = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as { skypeid?: unknown; exp?: unknown };
    if (typeof json.skypeid !== 'string' || typeof json.exp !== 'number') return undefined;
    return { userId: json.skypeid.startsWith('8:') ? json.skypeid : `8:${json.skypeid}`, expiresAt: json.exp * 1000 };
  } catch {
    return undefined;
  }
}
