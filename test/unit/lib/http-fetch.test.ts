import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { createHttpFetch } from '../../../src/lib/http-fetch.js';

/** A real HTTP server on port 0; `handler` sees each request and the index of it on its socket. */
async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse, nthOnSocket: number) => void) {
  const perSocket = new WeakMap<object, number>();
  const server = http.createServer((req, res) => {
    const n = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, n);
    handler(req, res, n);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const readBody = (req: http.IncomingMessage) =>
  new Promise<string>((resolve) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => resolve(b));
  });

it('sends method, headers and body, and answers a standard Response', async () => {
  const url = await serve(async (req, res) => {
    const body = await readBody(req);
    res.setHeader('x-echo-length', req.headers['content-length'] ?? '');
    res.setHeader('content-type', 'application/json');
    res.statusCode = 201;
    res.end(JSON.stringify({ method: req.method, auth: req.headers.authorization, body: JSON.parse(body) }));
  });
  const f = createHttpFetch();
  const res = await f(`${url}/x?y=1`, { method: 'POST', headers: new Headers({ authorization: 'Bearer t' }), body: JSON.stringify({ é: 'ü' }) });
  expect(res).toBeInstanceOf(Response);
  expect(res.status).toBe(201);
  expect(res.ok).toBe(true);
  expect(res.headers.get('x-echo-length')).toBe(String(Buffer.byteLength('{"é":"ü"}')));
  expect(await res.json()).toEqual({ method: 'POST', auth: 'Bearer t', body: { é: 'ü' } });
});

it('answers 204 with no body and passes error statuses through', async () => {
  const url = await serve((req, res) => {
    res.statusCode = req.url === '/gone' ? 404 : 204;
    res.end(req.url === '/gone' ? '{"error":{"code":"NotFound","message":"no"}}' : undefined);
  });
  const f = createHttpFetch();
  const empty = await f(`${url}/`, { method: 'DELETE' });
  expect(empty.status).toBe(204);
  expect(await empty.text()).toBe('');
  const missing = await f(`${url}/gone`);
  expect(missing.status).toBe(404);
  expect((await missing.json()).error.code).toBe('NotFound');
});

it('sends an idempotent request again once on a fresh connection when a kept-alive one was closed under it', async () => {
  const url = await serve((req, res, n) => {
    if (n > 1) return req.socket.destroy(); // the server dropped the idle connection
    res.end('ok');
  });
  const f = createHttpFetch();
  expect(await (await f(`${url}/1`)).text()).toBe('ok');
  expect(await (await f(`${url}/2`)).text()).toBe('ok');
  // A POST is not sent twice: the server may have taken it in before the connection broke.
  const g = createHttpFetch();
  expect(await (await g(`${url}/3`, { method: 'POST', body: '{}' })).text()).toBe('ok');
  await expect(g(`${url}/4`, { method: 'POST', body: '{}' })).rejects.toBeInstanceOf(TypeError);
});

it('rejects like fetch: AbortError when aborted, TypeError when nothing listens', async () => {
  const url = await serve(() => undefined); // never answers
  const f = createHttpFetch();
  const ac = new AbortController();
  const pending = f(url, { signal: ac.signal });
  ac.abort();
  await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  const closed = await serve(() => undefined);
  servers.pop()!.close();
  await expect(f(`${closed}/`)).rejects.toBeInstanceOf(TypeError);
});
