import { signRequest } from '../chat/auth/hmac.js';
import { toChatApiError } from './errors.js';

const IDENTITY_API = '2023-10-01';

/**
 * Calls of a trusted service, HMAC-signed with the resource access key: the Identity API and the
 * backend's admin endpoints (add the bot to a thread).
 */
export class AdminClient {
  constructor(
    private readonly endpoint: string,
    private readonly accessKey: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

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

  /** Adds a participant to any thread, as the resource owner (parley's admin API). */
  async addParticipant(threadId: string, userId: string, displayName?: string): Promise<void> {
    await this.call('POST', `/admin/threads/${encodeURIComponent(threadId)}/participants/:add`, {
      participants: [{ communicationIdentifier: { rawId: userId, communicationUser: { id: userId } }, displayName }],
    });
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
    const res = await this.fetchImpl(url, {
      method,
      headers: { ...signRequest(this.accessKey, { method, url, body: text }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : text,
      signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) throw await toChatApiError(res);
    const out = await res.text();
    return (out ? JSON.parse(out) : undefined) as T;
  }
}
