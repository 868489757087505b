import { describe, expect, it } from 'vitest';
import { TokenManager } from '../../../src/client/token-manager.js';

describe('TokenManager', () => {
  it('reuses a token until 10 minutes before expiry, then renews once for concurrent callers', async () => {
    let now = 0;
    let issued = 0;
    const tokens = new TokenManager(
      async () => ({ token: `t${++issued}`, expiresOn: new Date(now + 60 * 60_000) }),
      10 * 60_000,
      () => now,
    );
    expect(await tokens.get()).toBe('t1');
    now = 49 * 60_000;
    expect(await tokens.get()).toBe('t1');
    now = 51 * 60_000;
    const [a, b] = await Promise.all([tokens.get(), tokens.get()]);
    expect([a, b]).toEqual(['t2', 't2']);
    expect(issued).toBe(2);
  });

  it('issues a new token after invalidate (a 401)', async () => {
    let issued = 0;
    const tokens = new TokenManager(async () => ({ token: `t${++issued}`, expiresOn: new Date(Date.now() + 3600_000) }));
    await tokens.get();
    tokens.invalidate();
    expect(await tokens.get()).toBe('t2');
  });
});
