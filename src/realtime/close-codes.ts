/** WebSocket close codes of `/notifications` (documented in the README). */
export const CLOSE = {
  /** The server is shutting down; reconnect with backoff. */
  goingAway: 1001,
  /** The access token expired while connected; reconnect with a fresh token. */
  tokenExpired: 4001,
  /** The client did not keep up: its send buffer passed the limit. Reconnect and resume. */
  slowConsumer: 4008,
} as const;
