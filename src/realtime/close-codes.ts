/** WebSocket close codes of `/notifications` (documented in the README). */
export const CLOSE = {
  /** The server is shutting down; reconnect with backoff. */
  goingAway: 1001,
  /** The access token expired while connected; reconnect with a fresh token. */
  tokenExpired: 4001,
  /**
   * The user's tokens were revoked, or the user was deleted, while connected. Reconnecting with the
   * same token is refused (401); only a token issued after a revocation works.
   */
  accessRevoked: 4003,
  /** The client did not keep up: its send buffer passed the limit. Reconnect and resume. */
  slowConsumer: 4008,
  /**
   * The identity already holds the most connections allowed (`PARLEY_WS_MAX_PER_USER`); sent right
   * after the upgrade, before `connected`. Close another connection before retrying.
   */
  tooManyConnections: 4029,
} as const;
