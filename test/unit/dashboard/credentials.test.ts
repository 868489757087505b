import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DashboardAuth, dashboardCredentials, readCookie, sessionCookie } from '../../../src/dashboard/credentials.js';

const key = randomBytes(32).toString('base64');

describe('dashboard credentials', () => {
  it('derives stable, distinct admin and read-only credentials that do not contain the key', () => {
    const a = dashboardCredentials(key);
    expect(dashboardCredentials(key)).toEqual(a);
    expect(a.admin).not.toBe(a.read);
    expect(a.admin).toMatch(/^[\w-]{43}$/);
    expect(dashboardCredentials(randomBytes(32).toString('base64')).admin).not.toBe(a.admin);
    for (const c of [a.admin, a.read]) expect(c).not.toContain(key.slice(0, 12));
  });

  it('grants roles only to the exact credentials', () => {
    const auth = new DashboardAuth(key);
    const c = dashboardCredentials(key);
    expect(auth.roleOf(c.admin)).toBe('admin');
    expect(auth.roleOf(` ${c.read} `)).toBe('read');
    expect(auth.roleOf(key)).toBeNull();
    expect(auth.roleOf(c.admin.slice(0, -1))).toBeNull();
    expect(auth.roleOf('')).toBeNull();
    expect(auth.roleOf(undefined)).toBeNull();
  });

  it('issues sessions that verify until they expire, with a CSRF token per session', () => {
    let now = 1_000_000;
    const auth = new DashboardAuth(key, { sessionTtlMs: 60_000, clock: () => now });
    const s1 = auth.issue('admin');
    const s2 = auth.issue('admin');
    expect(s1.maxAgeSeconds).toBe(60);
    const v1 = auth.verify(s1.value)!;
    expect(v1).toMatchObject({ role: 'admin', expiresAt: 1_060_000 });
    expect(auth.verify(s1.value)!.csrf).toBe(v1.csrf);
    expect(auth.verify(s2.value)!.csrf).not.toBe(v1.csrf);
    now += 60_000;
    expect(auth.verify(s1.value)).toBeNull();
  });

  it('refuses forged, altered, foreign and malformed sessions', () => {
    const auth = new DashboardAuth(key);
    const read = auth.issue('read').value;
    expect(auth.verify(read.replace('.read.', '.admin.'))).toBeNull();
    const [v, role, exp, nonce, sig] = read.split('.');
    expect(auth.verify([v, role, String(Number(exp) + 1), nonce, sig].join('.'))).toBeNull();
    expect(new DashboardAuth(randomBytes(32).toString('base64')).verify(read)).toBeNull();
    for (const bad of ['', 'v1', 'v2.read.1.a.b', `${read}.x`, 'v1.root.9999999999999.a.b']) expect(auth.verify(bad)).toBeNull();
  });

  it('reads and writes cookies', () => {
    expect(readCookie('a=1; parley_dashboard=v1.x; b=2', 'parley_dashboard')).toBe('v1.x');
    expect(readCookie('xparley_dashboard=1', 'parley_dashboard')).toBeUndefined();
    expect(readCookie(undefined, 'a')).toBeUndefined();
    expect(sessionCookie('n', 'v', 10, false)).toBe('n=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=10');
    expect(sessionCookie('n', 'v', 10, true)).toBe('n=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=10; Secure');
  });
});
