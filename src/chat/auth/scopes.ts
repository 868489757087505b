import { errors } from '../errors.js';

/**
 * What a chat caller's token lets it do, from its ACS scopes (Identity API 2023-10-01):
 * `chat` = everything; `chat.join` = chat, but not create, update or delete threads;
 * `chat.join.limited` = `chat.join` without adding or removing participants. `voip` and
 * `voip.join` grant no chat access at all. A token with several scopes gets the widest.
 */
export interface ChatGrant {
  /** Create, update (topic, metadata, retention) and delete threads. */
  manageThreads: boolean;
  /** Add and remove participants. */
  manageParticipants: boolean;
}

/** The chat grant of a token's scopes, or `null` when none of them is a chat scope. */
export function chatGrant(scopes: readonly string[]): ChatGrant | null {
  if (scopes.includes('chat')) return { manageThreads: true, manageParticipants: true };
  if (scopes.includes('chat.join')) return { manageThreads: false, manageParticipants: true };
  if (scopes.includes('chat.join.limited')) return { manageThreads: false, manageParticipants: false };
  return null;
}

/**
 * The chat grant of an authenticated token; 403 when it has no chat scope. A scope failure is 403,
 * never 401: the token is valid (who the caller is is known), it just does not allow this — RFC 6750
 * §3.1 `insufficient_scope`, and the ACS swagger's 403 "User is not allowed to perform specified
 * action". A 401 would tell SDKs to fetch a new token, which would carry the same scopes.
 */
export function requireChatGrant(scopes: readonly string[]): ChatGrant {
  const grant = chatGrant(scopes);
  if (!grant) {
    throw errors.forbidden(
      `The access token carries no chat scope (it has '${scopes.join(',')}'); issue one with 'chat', 'chat.join' or 'chat.join.limited'.`,
    );
  }
  return grant;
}

/** 403 unless the grant includes `what`, naming the scope that would allow it. */
export function requireGrant(grant: ChatGrant | null, what: keyof ChatGrant): void {
  if (grant?.[what]) return;
  throw errors.forbidden(
    what === 'manageThreads'
      ? "Creating, updating or deleting a thread needs the 'chat' scope; this token has only 'chat.join' or 'chat.join.limited'."
      : "Adding or removing participants needs the 'chat' or 'chat.join' scope; this token has only 'chat.join.limited'.",
  );
}
