import { createHttpFetch, httpFetch } from '../lib/http-fetch.js';
import type { TlsTrust } from '../lib/tls-trust.js';
import { describeConnectionError } from './connection-error.js';
import { ChatApiError, isChatUnavailable, toChatApiError } from './errors.js';
import type { Dependency } from '../lib/dependency.js';
import type { TokenManager } from './token-manager.js';

const API = '2025-03-15';

/** A chat message as the REST API returns it (spec §2.4), the fields the bot reads. */
export interface WireMessage {
  id: string;
  type: string;
  sequenceId: string;
  version: string;
  content?: { message?: string; topic?: string; participants?: Array<{ communicationIdentifier: { rawId?: string } }> };
  senderDisplayName?: string;
  senderCommunicationIdentifier?: { rawId?: string; communicationUser?: { id: string } };
  createdOn: string;
  editedOn?: string;
  deletedOn?: string;
  metadata?: Record<string, string>;
}

export interface WireParticipant {
  communicationIdentifier: { rawId?: string; communicationUser?: { id: string } };
  displayName?: string;
}

export interface RestClientOptions {
  endpoint: string;
  tokens: TokenManager;
  /** Certificates trusted for an https endpoint beside Node's CAs (parley's own certificate). */
  tls?: TlsTrust;
  /** @defaultValue the process's shared {@link httpFetch}, or one holding `tls` when given */
  fetch?: typeof fetch;
  /** Tries for 429/503 answers, waiting their Retry-After (like the SDK's own policy). @defaultValue 3 */
  maxRetries?: number;
  timeoutMs?: number;
  /** Told every call's outcome, so the bot knows when the backend is away (and holds its work). */
  health?: Dependency;
}

/**
 * The bot's REST client of the ACS Chat API: a plain `fetch` client (the official SDK refuses
 * bearer tokens over http, which the embedded backend may use), speaking the same wire format.
 */
export class ChatRestClient {
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: RestClientOptions) {
    this.base = options.endpoint.replace(/\/$/, '');
    this.fetchImpl = options.fetch ?? (options.tls ? createHttpFetch({ secureContext: options.tls.secureContext }) : httpFetch);
  }

  /** Creates a thread as the token's user (who is added automatically) with more participants. */
  async createThread(topic: string, participants: Array<{ id: string; displayName?: string }> = []): Promise<string> {
    const res = await this.call<{ chatThread: { id: string } }>('POST', `/chat/threads?api-version=${API}`, {
      topic,
      participants: participants.map((p) => ({ communicationIdentifier: { rawId: p.id, communicationUser: { id: p.id } }, displayName: p.displayName })),
    });
    return res.chatThread.id;
  }

  /** A thread's properties, as a participant reads them. */
  async getThread(threadId: string): Promise<{ id: string; topic: string; deletedOn?: string }> {
    return this.call('GET', `${this.thread(threadId)}?api-version=${API}`);
  }

  async sendMessage(threadId: string, body: { content: string; type?: 'text' | 'html'; senderDisplayName?: string; metadata?: Record<string, string> }): Promise<string> {
    const res = await this.call<{ id: string }>('POST', `${this.thread(threadId)}/messages?api-version=${API}`, body);
    return res.id;
  }

  async updateMessage(threadId: string, messageId: string, body: { content?: string; metadata?: Record<string, string | null> }): Promise<void> {
    await this.call('PATCH', `${this.thread(threadId)}/messages/${messageId}?api-version=${API}`, body, 'application/merge-patch+json');
  }

  async deleteMessage(threadId: string, messageId: string): Promise<void> {
    await this.call('DELETE', `${this.thread(threadId)}/messages/${messageId}?api-version=${API}`);
  }

  async getMessage(threadId: string, messageId: string): Promise<WireMessage> {
    return this.call<WireMessage>('GET', `${this.thread(threadId)}/messages/${messageId}?api-version=${API}`);
  }

  /** Every message changed after `startTime` (exclusive), newest first, following nextLinks. */
  async *listMessages(threadId: string, opts: { startTime?: Date; maxPageSize?: number } = {}): AsyncGenerator<WireMessage> {
    const q = new URLSearchParams({ maxPageSize: String(opts.maxPageSize ?? 200), 'api-version': API });
    if (opts.startTime) q.set('startTime', opts.startTime.toISOString());
    let url: string | undefined = `${this.thread(threadId)}/messages?${q}`;
    while (url) {
      const page: { value: WireMessage[]; nextLink?: string } = await this.call('GET', url);
      yield* page.value;
      url = page.nextLink;
    }
  }

  async listParticipants(threadId: string): Promise<WireParticipant[]> {
    const out: WireParticipant[] = [];
    let url: string | undefined = `${this.thread(threadId)}/participants?maxPageSize=250&api-version=${API}`;
    while (url) {
      const page: { value: WireParticipant[]; nextLink?: string } = await this.call('GET', url);
      out.push(...page.value);
      url = page.nextLink;
    }
    return out;
  }

  /** Ids of the threads the bot is (or was) in. */
  async listThreads(): Promise<Array<{ id: string; topic: string; deletedOn?: string }>> {
    const out: Array<{ id: string; topic: string; deletedOn?: string }> = [];
    let url: string | undefined = `/chat/threads?maxPageSize=200&api-version=${API}`;
    while (url) {
      const page: { value: Array<{ id: string; topic: string; deletedOn?: string }>; nextLink?: string } = await this.call('GET', url);
      out.push(...page.value);
      url = page.nextLink;
    }
    return out;
  }

  private thread(threadId: string): string {
    return `/chat/threads/${encodeURIComponent(threadId)}`;
  }

  private async call<T = void>(method: string, pathOrUrl: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    try {
      const out = await this.attempt<T>(method, pathOrUrl, body, contentType);
      this.options.health?.succeeded();
      return out;
    } catch (err) {
      if (isChatUnavailable(err)) this.options.health?.failed(err);
      else if (err instanceof ChatApiError) this.options.health?.succeeded(); // it answered
      throw err;
    }
  }

  private async attempt<T>(method: string, pathOrUrl: string, body: unknown, contentType: string): Promise<T> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${this.base}${pathOrUrl}`;
    const maxRetries = this.options.maxRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      const token = await this.options.tokens.get();
      let res: Response;
      try {
        res = await this.fetchImpl(url, {
          method,
          headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': contentType }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
        });
      } catch (err) {
        throw describeConnectionError(err, this.base, { files: this.options.tls?.files ?? [] });
      }
      if (res.ok) {
        const text = await res.text();
        return (text ? JSON.parse(text) : undefined) as T;
      }
      const err = await toChatApiError(res);
      if (err.status === 401 && attempt === 0) {
        this.options.tokens.invalidate();
        continue;
      }
      if ((err.status === 429 || err.status === 503) && attempt < maxRetries) {
        await new Promise((r) => setTimeout(r, err.retryAfterMs ?? 1000 * 2 ** attempt));
        continue;
      }
      throw err;
    }
  }
}

export { ChatApiError };
