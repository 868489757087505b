import { createHmac } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { BoundedMap } from '../../lib/bounded-map.js';
import type { Clock } from '../../lib/clock.js';

export const SCOPES = ['chat', 'voip', 'chat.join', 'chat.join.limited', 'voip.join'] as const;
export type Scope = (typeof SCOPES)[number];

export interface TokenClaims {
  /** Raw id of the user (`8:acs:…`). */
  userId: string;
  scopes: string[];
  generation: number;
  expiresAt: number;
}

export type TokenFailure = 'malformed' | 'signature' | 'expired';

/**
 * Issues and verifies ACS-shaped access tokens (JWT, HS256, spec §8.3): `skypeid` = the raw id
 * without its `8:` prefix, `acsScope` comma-separated, `exp`; plus `gen`, the user's token
 * generation, so `revokeAccessTokens` invalidates every earlier token at once.
 */
export class TokenService {
  private readonly secret: Uint8Array;
  /**
   * Tokens whose signature was verified, with their claims: clients send the same token on every
   * call, and jose's WebCrypto verification costs two thread-pool round trips per request. Expiry is
   * still checked on every use, and revocation by the caller (token generation). Bounded: the
   * oldest entry goes first.
   */
  private readonly verified = new BoundedMap<string, TokenClaims>(10_000);

  constructor(
    accessKey: string,
    private readonly resourceId: string,
    private readonly clock: Clock,
  ) {
    // A signing key derived from the access key, so tokens never expose the key itself.
    this.secret = createHmac('sha256', Buffer.from(accessKey, 'base64')).update('parley-access-token-v1').digest();
  }

  async issue(userId: string, scopes: string[], expiresInMinutes: number, generation: number): Promise<{ token: string; expiresOn: Date }> {
    const nowS = Math.floor(this.clock() / 1000);
    const exp = nowS + expiresInMinutes * 60;
    const token = await new SignJWT({
      skypeid: userId.replace(/^8:/, ''),
      scp: 1792,
      csi: String(nowS),
      acsScope: scopes.join(','),
      resourceId: this.resourceId,
      gen: generation,
    })
      .setProtectedHeader({ alg: 'HS256', kid: '1', typ: 'JWT' })
      .setIssuedAt(nowS)
      .setExpirationTime(exp)
      .sign(this.secret);
    return { token, expiresOn: new Date(exp * 1000) };
  }

  async verify(token: string): Promise<TokenClaims | TokenFailure> {
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAt > this.clock()) return known;
      this.verified.delete(token);
      return 'expired';
    }
    const result = await this.verifySignature(token);
    if (typeof result !== 'string') this.verified.set(token, result);
    return result;
  }

  private async verifySignature(token: string): Promise<TokenClaims | TokenFailure> {
    try {
      const { payload } = await jwtVerify(token, this.secret, {
        algorithms: ['HS256'],
        currentDate: new Date(this.clock()),
      });
      const { skypeid, acsScope, gen, exp } = payload as Record<string, unknown>;
      if (typeof skypeid !== 'string' || typeof acsScope !== 'string' || typeof gen !== 'number' || typeof exp !== 'number') {
        return 'malformed';
      }
      return { userId: `8:${skypeid}`, scopes: acsScope.split(',').map((s) => s.trim()), generation: gen, expiresAt: exp * 1000 };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) return 'expired';
      if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'signature';
      return 'malformed';
    }
  }
}
