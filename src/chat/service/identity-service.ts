import { systemClock, type Clock } from '../../lib/clock.js';
import { EventBus } from '../../lib/event-bus.js';
import { newUserId } from '../../lib/ids.js';
import type { TokenService } from '../auth/tokens.js';
import { errors } from '../errors.js';
import type { ChatStore } from '../store/chat-store.js';

export interface IssuedToken {
  token: string;
  expiresOn: Date;
}

/** The identity a parley bot acts as, published to clients so they trust only its posts. */
export interface BotIdentity {
  userId: string;
  displayName: string;
}

const BOT_IDENTITY_KEY = 'botIdentity';

/** Published when every token of a user stops being valid at once (the realtime hub closes its sockets). */
export interface AccessEnded {
  userId: string;
  reason: 'revoked' | 'deleted';
}

/** What {@link IdentityService.authenticate} returns for a valid token. */
export interface Authenticated {
  userId: string;
  scopes: string[];
  /** Epoch ms. */
  expiresAt: number;
  /** The token generation it was issued in; see {@link IdentityService.isCurrent}. */
  generation: number;
}

/** Default token lifetime of the ACS Identity API: 24 hours. */
export const DEFAULT_TOKEN_MINUTES = 1440;

/** The ACS Identity API (spec §8) and bearer-token authentication of chat calls. */
export class IdentityService {
  /** Revocations and deletions, published after the change is written. */
  readonly accessEnded = new EventBus<AccessEnded>();

  constructor(
    private readonly store: ChatStore,
    private readonly tokens: TokenService,
    private readonly resourceId: string,
    private readonly clock: Clock = systemClock,
  ) {}

  createUser(): string {
    const id = newUserId(this.resourceId);
    this.store.identities.create(id, this.clock());
    return id;
  }

  async issueToken(userId: string, scopes: string[], expiresInMinutes = DEFAULT_TOKEN_MINUTES): Promise<IssuedToken> {
    const identity = this.store.identities.get(userId);
    if (!identity || identity.deletedOn !== null) throw errors.notFound(`Identity '${userId}' was not found.`);
    return this.tokens.issue(userId, scopes, expiresInMinutes, identity.tokenGeneration);
  }

  revokeTokens(userId: string): void {
    if (!this.store.identities.revoke(userId)) throw errors.notFound(`Identity '${userId}' was not found.`);
    this.accessEnded.publish({ userId, reason: 'revoked' });
  }

  deleteUser(userId: string): void {
    if (!this.store.identities.delete(userId, this.clock())) throw errors.notFound(`Identity '${userId}' was not found.`);
    this.accessEnded.publish({ userId, reason: 'deleted' });
  }

  /** Whether tokens of `generation` are still good for `userId` (not revoked since, user not deleted). */
  isCurrent(userId: string, generation: number): boolean {
    const identity = this.store.identities.get(userId);
    return identity !== undefined && identity.deletedOn === null && identity.tokenGeneration === generation;
  }

  /** The bot identity last registered, or undefined. */
  botIdentity(): BotIdentity | undefined {
    const row = this.store.db.prepare('SELECT value FROM meta WHERE key = ?').get(BOT_IDENTITY_KEY) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as BotIdentity) : undefined;
  }

  /** Records which identity is the bot's (a trusted service's call); it must be a live identity here. */
  registerBot(bot: BotIdentity): BotIdentity {
    const identity = this.store.identities.get(bot.userId);
    if (!identity || identity.deletedOn !== null) throw errors.notFound(`Identity '${bot.userId}' was not found.`);
    this.store.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(BOT_IDENTITY_KEY, JSON.stringify(bot));
    return bot;
  }

  /**
   * Verifies a bearer token (signature, expiry, revocation, deleted user) and returns its user and
   * scopes; throws 401 otherwise. Scope checks are the caller's.
   */
  async authenticate(authorization: string | undefined): Promise<Authenticated> {
    const m = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
    if (!m) throw errors.unauthorized('An access token is required: Authorization: Bearer <token>.');
    const claims = await this.tokens.verify(m[1]!);
    if (claims === 'expired') throw errors.unauthorized('The access token has expired.');
    if (typeof claims === 'string') throw errors.unauthorized('The access token is not valid.');
    if (!this.isCurrent(claims.userId, claims.generation)) throw errors.unauthorized('The access token has been revoked.');
    return { userId: claims.userId, scopes: claims.scopes, expiresAt: claims.expiresAt, generation: claims.generation };
  }
}
