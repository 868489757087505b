import type { Clock } from '../lib/clock.js';
import { systemClock } from '../lib/clock.js';

export type TokenIssuer = () => Promise<{ token: string; expiresOn: Date }>;

/**
 * Keeps a valid access token: fetched on first use and renewed once less than `renewBeforeMs` of
 * its life is left (concurrent callers share one renewal).
 */
export class TokenManager {
  private current?: { token: string; expiresAt: number };
  private pending?: Promise<string>;

  constructor(
    private readonly issue: TokenIssuer,
    private readonly renewBeforeMs = 10 * 60_000,
    private readonly clock: Clock = systemClock,
  ) {}

  async get(): Promise<string> {
    if (this.current && this.current.expiresAt - this.clock() > this.renewBeforeMs) return this.current.token;
    this.pending ??= this.issue()
      .then(({ token, expiresOn }) => {
        this.current = { token, expiresAt: expiresOn.getTime() };
        return token;
      })
      .finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** Forgets the token (after a 401), so the next `get` issues a new one. */
  invalidate(): void {
    this.current = undefined;
  }
}
