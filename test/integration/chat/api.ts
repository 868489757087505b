import { expect } from 'vitest';
import { signRequest } from '../../../src/chat/auth/hmac.js';
import type { TestBackend } from '../../support/chat-server.js';

export const CHAT_V = '2025-03-15';
export const IDENTITY_V = '2023-10-01';

export interface Res {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed body, or undefined when empty or not JSON. */
  json: any;
}

async function toRes(r: Response): Promise<Res> {
  const text = await r.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: r.status, headers: r.headers, text, json };
}

/** Thread path, percent-encoded as the SDK sends it. */
export const threadPath = (id: string, rest = '') => `/chat/threads/${encodeURIComponent(id)}${rest}`;

/** Plain `fetch` against a test backend: HMAC-signed identity calls and bearer-token chat calls. */
export class Api {
  constructor(readonly backend: TestBackend) {}

  /** A signed identity call; `path` includes the query. */
  async identity(method: string, path: string, body?: string, sign: { key?: string; at?: Date } = {}): Promise<Res> {
    const url = this.backend.url + path;
    const headers = signRequest(sign.key ?? this.backend.accessKey, { method, url, body }, sign.at);
    return toRes(await fetch(url, { method, body, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers } }));
  }

  async createUser(scopes: string[] = ['chat']): Promise<{ id: string; token: string }> {
    const res = await this.identity('POST', `/identities?api-version=${IDENTITY_V}`, JSON.stringify({ createTokenWithScopes: scopes }));
    expect(res.status, res.text).toBe(201);
    return { id: res.json.identity.id, token: res.json.accessToken.token };
  }

  async token(userId: string, scopes: string[] = ['chat']): Promise<string> {
    const res = await this.identity(
      'POST',
      `/identities/${encodeURIComponent(userId)}/:issueAccessToken?api-version=${IDENTITY_V}`,
      JSON.stringify({ scopes }),
    );
    expect(res.status, res.text).toBe(200);
    return res.json.token;
  }

  /**
   * A chat call. `path` without a query gets `?api-version=2025-03-15`; a path with one is sent as is;
   * an absolute URL (a nextLink) is sent verbatim. A JSON body is serialized unless it is a string.
   */
  async chat(
    token: string | undefined,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Res> {
    const url = path.startsWith('http') ? path : `${this.backend.url}${path.includes('?') ? path : `${path}?api-version=${CHAT_V}`}`;
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return toRes(
      await fetch(url, {
        method,
        body: text,
        headers: {
          ...(text !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
      }),
    );
  }

  async createThread(token: string, members: string[] = [], topic = 'Test'): Promise<string> {
    const participants = members.map((id) => ({ communicationIdentifier: { rawId: id, communicationUser: { id } } }));
    const res = await this.chat(token, 'POST', '/chat/threads', { topic, participants });
    expect(res.status, res.text).toBe(201);
    return res.json.chatThread.id;
  }

  async send(token: string, threadId: string, content = 'hi'): Promise<string> {
    const res = await this.chat(token, 'POST', threadPath(threadId, '/messages'), { content });
    expect(res.status, res.text).toBe(201);
    return res.json.id;
  }
}

/** Asserts an ACS error answer: this status, the `{"error":{"code","message"}}` body, JSON content type. */
export function expectAcsError(res: Res, status: number, code?: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.json, res.text).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
  expect(res.json.error.message.length).toBeGreaterThan(0);
  if (code) expect(res.json.error.code).toBe(code);
}
