import { signRequest } from '../chat/auth/hmac.js';
import { createHttpFetch } from '../lib/http-fetch.js';
import type { TlsTrust } from '../lib/tls-trust.js';
import { describeConnectionError } from './connection-error.js';
import { toChatApiError } from './errors.js';

const IDENTITY_API = '2023-10-01';

export interface AdminClientOptions {
  /** Certificates trusted for an https endpoint beside Node's CAs (parley's own certificate). */
  tls?: TlsTrust;
  /** @defaultValue the built-in fetch, or one holding `tls` when given */
  fetch?: typeof fetch;
}

/** A participant the backend refused to add (unknown identity, …), as `:add` reports it. */
export interface InvalidParticipant {
  id?: string;
  code?: string;
  message?: string;
}

/**
 * Calls of a trusted service, HMAC-signed with the resource access key: the Identity API and the
 * backend's admin endpoints (add the bot to a thread).
 */
export class AdminClient {
  private readonly fetchImpl: typeof fetch;
  private readonly tls?: TlsTrust;

  constructor(
    private readonly endpoint: string,
    private readonly accessKey: string,
    options: AdminClientOptions = {},
  ) {
    this.tls = options.tls;
    this.fetchImpl = options.fetch ?? (options.tls ? createHttpFetch({ secureContext: options.tls.secureContext }) : fetch);
  }

  async createUser(): Promise<string> {
    const body = await this.call<{ identity: { id: string } }>('POST', `/identities?api-version=${IDENTITY_API}`);
    return body.identity.id;
  }

  async issueToken(userId: string, scopes: string[] = ['chat'], expiresInMinutes = 1440): Promise<{ token: string; expiresOn: Date }> {
    const body = await this.call<{ token: string; expiresOn: string }>(
      'POST',
      `/identities/${encodeURIComponent(userId)}/:issueAccessToken?api-version=${IDENTITY_API}`,
      { scopes, expiresInMinutes },
    );
    return { token: body.token, expiresOn: new Date(body.expiresOn) };
  }

  /** Deletes an identity (its tokens stop working); gone already is fine. */
  async deleteUser(userId: string): Promise<void> {
    await this.call('DELETE', `/identities/${encodeURIComponent(userId)}?api-version=${IDENTITY_API}`);
  }

  /**
   * Adds a participant to any thread, as the resource owner (parley's admin API). Answers the
   * participants the backend refused (empty when added, or already there).
   */
  async addParticipant(threadId: string, userId: string, displayName?: string): Promise<InvalidParticipant[]> {
    const body = await this.call<{ invalidParticipants?: InvalidParticipant[] } | undefined>('POST', `/admin/threads/${encodeURIComponent(threadId)}/participants/:add`, {
      participants: [{ communicationIdentifier: { rawId: userId, communicationUser: { id: userId } }, displayName }],
    });
    return body?.invalidParticipants ?? [];
  }

  async removeParticipant(threadId: string, userId: string): Promise<void> {
    await this.call('POST', `/admin/threads/${encodeURIComponent(threadId)}/participants/:remove`, {
      rawId: userId,
      communicationUser: { id: userId },
    });
  }

  /** Tells the backend which identity is the bot's (parley's admin API; clients read it at `GET /parley/bot`). */
  async registerBot(userId: string, displayName: string): Promise<void> {
    await this.call('PUT', '/admin/bot/identity', { userId, displayName });
  }

  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.endpoint.replace(/\/$/, '')}${path}`;
    const text = body === undefined ? '' : JSON.stringify(body);
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers: { ...signRequest(this.accessKey, { method, url, body: text }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : text,
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      throw describeConnectionError(err, this.endpoint, { files: this.tls?.files ?? [] });
    }
    if (!res.ok) throw await toChatApiError(res);
    const out = await res.text();
    return (out ? JSON.parse(out) : undefined) as T;
  }
}
