import http from 'node:http';
import https from 'node:https';
import type tls from 'node:tls';

export interface HttpFetchOptions {
  /**
   * TLS trust for https URLs (e.g. Node's CAs plus parley's own certificate, see `lib/tls-trust`).
   * @defaultValue Node's default trust
   */
  secureContext?: tls.SecureContext;
}

/**
 * A `fetch` for the bot's own small JSON calls (chat REST, model API), on `node:http` with
 * keep-alive agents. Node's built-in `fetch` (undici) streams every request body through an async
 * iterator and builds a full WHATWG request per call; in bench:bot that was the largest single cost
 * of the bot's event loop. This one sends string and byte bodies in one write and buffers the
 * answer, and returns a standard `Response`, so callers (the `openai` package included) cannot tell
 * the difference. Anything it does not handle — a streamed body, a non-http(s) URL — goes to the
 * built-in `fetch`. Written here rather than added as a dependency: it is a thin layer over Node's
 * own client.
 */
export function createHttpFetch(options: HttpFetchOptions = {}): typeof fetch {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 256, secureContext: options.secureContext }),
  };
  return (input, init = {}) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const body = init.body;
    const plainBody = body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
    if (!(url.protocol in agents) || !plainBody || (typeof input === 'object' && !(input instanceof URL))) {
      return globalThis.fetch(input, init);
    }
    const protocol = url.protocol as keyof typeof agents;
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => (headers[name] = value));
    if (typeof body === 'string' || body instanceof Uint8Array) headers['content-length'] = String(Buffer.byteLength(body));
    const idempotent = IDEMPOTENT.has((init.method ?? 'GET').toUpperCase());
    // Errors as the built-in fetch gives them: AbortError when aborted, else TypeError with the cause.
    const failure = (err: Error) =>
      init.signal?.aborted ? (init.signal.reason instanceof Error ? init.signal.reason : new DOMException('This operation was aborted', 'AbortError')) : err.name === 'AbortError' ? err : new TypeError('fetch failed', { cause: err });
    const send = (retried: boolean): Promise<Response> =>
      new Promise<Response>((resolve, reject) => {
        const req = (protocol === 'https:' ? https : http).request(
          url,
          { method: init.method ?? 'GET', headers, agent: agents[protocol], signal: init.signal ?? undefined },
          (res) => {
            const chunks: Buffer[] = [];
            const status = res.statusCode ?? 0;
            if (status >= 300 && status < 400 && res.headers.location) {
              // Redirects are rare here; the built-in fetch follows them by the rules.
              res.resume();
              globalThis.fetch(input, init).then(resolve, reject);
              return;
            }
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('error', (err: Error) => reject(failure(err)));
            res.on('end', () => {
              try {
                const responseHeaders = new Headers();
                for (let i = 0; i < res.rawHeaders.length; i += 2) responseHeaders.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
                const noBody = status === 204 || status === 205 || status === 304 || init.method === 'HEAD';
                resolve(new Response(noBody ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers: responseHeaders }));
              } catch (err) {
                reject(new TypeError('fetch failed', { cause: err })); // a status Response refuses, say
              }
            });
          },
        );
        req.on('error', (err: NodeJS.ErrnoException) => {
          // The server closed a kept-alive connection as it was reused: send once more on a fresh
          // one (what Node's documentation recommends) — only when repeating cannot do anything
          // twice, as the server may have taken the request in.
          if (!retried && idempotent && req.reusedSocket && err.code === 'ECONNRESET') send(true).then(resolve, reject);
          else reject(failure(err));
        });
        req.end(body ?? undefined);
      });
    return send(false);
  };
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

let shared: typeof fetch | undefined;

/** The process's one {@link createHttpFetch} (one pool of kept-alive connections). */
export const httpFetch: typeof fetch = (input, init) => (shared ??= createHttpFetch())(input, init);
