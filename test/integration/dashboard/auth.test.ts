import fs from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChatApp } from '../../../src/chat/http/app.js';
import { systemClock } from '../../../src/lib/clock.js';
import { createLogger } from '../../../src/lib/logger.js';
import { dashboardPlugin } from '../../../src/dashboard/dashboard-plugin.js';
import { Metrics } from '../../../src/metrics/metrics.js';
import { testTlsEnv } from '../../support/chat-server.js';
import { startDashboardStack, threadWithBot, type DashboardStack } from '../../support/dashboard-stack.js';

let stack: DashboardStack;
beforeAll(async () => {
  stack = await startDashboardStack();
});
afterAll(() => stack?.close());

const call = (path: string, init: RequestInit = {}) => fetch(`${stack.url}${path}`, { redirect: 'manual', ...init });
const bearer = (credential: string) => ({ authorization: `Bearer ${credential}` });
const json = (headers: Record<string, string>, body: unknown = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** Every state-changing request of the dashboard and bull-board, for a thread and a failed job. */
function mutations(threadId: string): Array<[string, string, unknown]> {
  return [
    ['POST', '/dashboard/api/jobs/retry', { id: 'x' }],
    ['POST', '/dashboard/api/jobs/discard', { id: 'x' }],
    ['POST', '/dashboard/api/jobs/retry-failed', {}],
    ['POST', '/dashboard/api/queue/pause', {}],
    ['POST', '/dashboard/api/queue/resume', {}],
    ['POST', '/dashboard/api/threads', { threadId, languages: ['fr'] }],
    ['PATCH', '/dashboard/api/threads', { threadId, languages: ['fr'] }],
    ['POST', '/dashboard/api/threads/remove', { threadId }],
    ['POST', '/dashboard/api/threads/invite', { threadId, name: 'Eve', reads: ['en'] }],
    ['PUT', '/dashboard/jobs/api/queues/messages/pause', undefined],
    ['PUT', '/dashboard/jobs/api/queues/pause', undefined],
    ['PUT', '/dashboard/jobs/api/queues/messages/retry/failed', undefined],
    ['PUT', '/dashboard/jobs/api/queues/messages/clean/completed', undefined],
  ];
}

async function login(credential: string): Promise<Response> {
  return call('/dashboard/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: stack.url },
    body: new URLSearchParams({ credential }).toString(),
  });
}

describe('dashboard auth', () => {
  it('serves nothing but the probes and the login form without a credential', async () => {
    expect((await call('/healthz')).status).toBe(200);
    const ready = await call('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { redis: true, backend: true, bot: true }, dependencies: [] });
    expect((await call('/dashboard/login')).status).toBe(200);
    const page = await call('/dashboard', { headers: { accept: 'text/html' } });
    expect([page.status, page.headers.get('location')]).toEqual([303, '/dashboard/login']);
    const staticJs = fs.readdirSync('node_modules/@bull-board/ui/dist/static/js').find((f) => f.startsWith('main.'))!;
    for (const path of ['/dashboard', '/dashboard/api/overview', '/dashboard/api/threads', '/dashboard/api/priority', '/dashboard/assets/dashboard.js', '/dashboard/jobs', '/dashboard/jobs/api/queues', `/dashboard/jobs/static/js/${staticJs}`, '/metrics']) {
      expect((await call(path)).status, path).toBe(401);
      expect((await call(path, { headers: bearer('wrong') })).status, path).toBe(401);
      // The access key itself is not a dashboard credential.
      expect((await call(path, { headers: bearer(stack.backend.accessKey) })).status, path).toBe(401);
    }
    for (const [method, path, body] of mutations('19:x@thread.v2')) {
      expect((await call(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) })).status, path).toBe(401);
    }
  });

  it('lets the read-only credential look but not act (403), by bearer and by session', async () => {
    const { threadId } = await threadWithBot(stack, 'ro', { languages: ['es'] });
    for (const path of ['/dashboard', '/dashboard/api/overview', '/dashboard/api/threads', '/dashboard/jobs/api/queues', '/metrics']) {
      expect((await call(path, { headers: bearer(stack.creds.read) })).status, path).toBe(200);
    }
    const cookie = (await login(stack.creds.read)).headers.get('set-cookie')!.split(';')[0]!;
    const html = await (await call('/dashboard', { headers: { cookie } })).text();
    const csrf = /name="parley-csrf" content="([^"]+)"/.exec(html)![1]!;
    for (const [method, path, body] of mutations(threadId)) {
      const viaBearer = await call(path, { method, headers: { 'content-type': 'application/json', ...bearer(stack.creds.read) }, body: JSON.stringify(body ?? {}) });
      expect(viaBearer.status, `${method} ${path}`).toBe(403);
      const viaCookie = await call(path, { method, headers: { 'content-type': 'application/json', cookie, origin: stack.url, 'x-parley-csrf': csrf }, body: JSON.stringify(body ?? {}) });
      expect(viaCookie.status, `${method} ${path}`).toBe(403);
    }
    expect(await stack.bot.queue.isPaused()).toBe(false);
    expect((await stack.bot.settings.get(threadId))?.languages).toEqual(['es']);
  });

  it('logs in with an HttpOnly SameSite=Strict cookie holding neither key nor credential; refuses a forged one', async () => {
    const bad = await login('nope');
    expect(bad.status).toBe(401);
    expect(bad.headers.get('set-cookie')).toBeNull();
    const res = await login(stack.creds.admin);
    expect([res.status, res.headers.get('location')]).toEqual([303, '/dashboard']);
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^parley_dashboard=v1\.admin\.\d+\.[\w-]+\.[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(setCookie).not.toContain(stack.creds.admin);
    expect(setCookie).not.toContain(stack.backend.accessKey);
    const value = setCookie.split(';')[0]!;
    expect((await call('/dashboard/api/overview', { headers: { cookie: value } })).status).toBe(200);
    const readCookie = (await login(stack.creds.read)).headers.get('set-cookie')!.split(';')[0]!;
    const forged = readCookie.replace('.read.', '.admin.');
    expect((await call('/dashboard/api/overview', { headers: { cookie: forged } })).status).toBe(401);
    // A login form posted from another site is refused.
    const crossSite = await fetch(`${stack.url}/dashboard/login`, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: new URLSearchParams({ credential: stack.creds.admin }).toString(),
    });
    expect([crossSite.status, crossSite.headers.get('set-cookie')]).toEqual([403, null]);
  });

  it('makes cookie sessions CSRF-safe: same origin always, and the CSRF token on parley’s API', async () => {
    const cookie = (await login(stack.creds.admin)).headers.get('set-cookie')!.split(';')[0]!;
    const csrf = /name="parley-csrf" content="([^"]+)"/.exec(await (await call('/dashboard', { headers: { cookie } })).text())![1]!;
    const pause = (headers: Record<string, string>) => call('/dashboard/api/queue/pause', json({ cookie, ...headers }));
    expect((await pause({ origin: stack.url })).status).toBe(403); // no token
    expect((await pause({ origin: stack.url, 'x-parley-csrf': 'x' + csrf.slice(1) })).status).toBe(403);
    expect((await pause({ origin: 'https://evil.example', 'x-parley-csrf': csrf })).status).toBe(403);
    expect((await pause({ 'x-parley-csrf': csrf })).status).toBe(403); // neither Origin nor Sec-Fetch-Site
    expect(await stack.bot.queue.isPaused()).toBe(false);
    expect((await pause({ origin: stack.url, 'x-parley-csrf': csrf })).status).toBe(200);
    expect(await stack.bot.queue.isPaused()).toBe(true);
    expect((await call('/dashboard/api/queue/resume', json({ cookie, origin: stack.url, 'x-parley-csrf': csrf }))).status).toBe(200);
    expect(await stack.bot.queue.isPaused()).toBe(false);
    // Bearer callers are not browsers: no CSRF token needed.
    expect((await call('/dashboard/api/queue/pause', json(bearer(stack.creds.admin)))).status).toBe(200);
    expect((await call('/dashboard/api/queue/resume', json(bearer(stack.creds.admin)))).status).toBe(200);
  });

  it('decides the CSRF check on the path the router uses: percent-encoded spellings need the token too', async () => {
    const cookie = (await login(stack.creds.admin)).headers.get('set-cookie')!.split(';')[0]!;
    const csrf = /name="parley-csrf" content="([^"]+)"/.exec(await (await call('/dashboard', { headers: { cookie } })).text())![1]!;
    for (const path of ['/dashboard/%61pi/queue/pause', '/dashboard/%61%70%69/queue/pause', '/dashboard/api/queue/%70ause']) {
      expect((await call(path, json({ cookie, origin: stack.url }))).status, path).toBe(403);
      expect(await stack.bot.queue.isPaused(), path).toBe(false);
    }
    // With the token the same spelling reaches the route: it is the route, not a 404.
    expect((await call('/dashboard/%61pi/queue/pause', json({ cookie, origin: stack.url, 'x-parley-csrf': csrf }))).status).toBe(200);
    expect(await stack.bot.queue.isPaused()).toBe(true);
    expect((await call('/dashboard/api/queue/resume', json({ cookie, origin: stack.url, 'x-parley-csrf': csrf }))).status).toBe(200);
  });

  it('ends the session on the server at log out: the old cookie no longer works', async () => {
    const cookie = (await login(stack.creds.admin)).headers.get('set-cookie')!.split(';')[0]!;
    const other = (await login(stack.creds.admin)).headers.get('set-cookie')!.split(';')[0]!;
    expect((await call('/dashboard/api/overview', { headers: { cookie } })).status).toBe(200);
    const out = await call('/dashboard/logout', { method: 'POST', headers: { cookie, origin: stack.url } });
    expect([out.status, out.headers.get('location')]).toEqual([303, '/dashboard/login']);
    // A copy of the cookie kept by someone else (or the browser ignoring the expired Set-Cookie).
    expect((await call('/dashboard/api/overview', { headers: { cookie } })).status).toBe(401);
    expect((await call('/dashboard', { headers: { cookie, accept: 'text/html' } })).status).toBe(303);
    // Other sessions go on.
    expect((await call('/dashboard/api/overview', { headers: { cookie: other } })).status).toBe(200);
  });

  it('keeps the job browser read-only: no state-changing call, even for the admin; no web fonts', async () => {
    const cookie = (await login(stack.creds.admin)).headers.get('set-cookie')!.split(';')[0]!;
    const csrf = /name="parley-csrf" content="([^"]+)"/.exec(await (await call('/dashboard', { headers: { cookie } })).text())![1]!;
    const before = await stack.bot.queue.getJobCounts();
    const admin = { ...bearer(stack.creds.admin), 'content-type': 'application/json' };
    const viaCookie = { cookie, origin: stack.url, 'x-parley-csrf': csrf, 'content-type': 'application/json' };
    for (const headers of [admin, viaCookie]) {
      const add = await call('/dashboard/jobs/api/queues/messages/add', { method: 'POST', headers, body: JSON.stringify({ name: 'message', data: { threadId: 'x' } }) });
      expect(add.status).toBe(405);
      expect((await call('/dashboard/jobs/api/queues/messages/pause', { method: 'PUT', headers })).status).toBe(405);
      expect((await call('/dashboard/jobs/api/queues/pause', { method: 'PUT', headers })).status).toBe(405);
      expect((await call('/dashboard/jobs/api/queues/messages/clean/completed', { method: 'PUT', headers })).status).toBe(405);
    }
    expect(await stack.bot.queue.getJobCounts()).toEqual(before);
    expect(await stack.bot.queue.isPaused()).toBe(false);
    const queues = await (await call('/dashboard/jobs/api/queues', { headers: bearer(stack.creds.admin) })).json();
    expect(queues.queues[0]).toMatchObject({ readOnlyMode: true, allowRetries: false });
    const page = await call('/dashboard/jobs', { headers: bearer(stack.creds.admin) });
    const html = await page.text();
    expect(html).toContain('static/js/main.');
    expect(html).not.toMatch(/fonts\.(googleapis|gstatic)\.com/);
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(page.headers.get('content-security-policy')).toContain("font-src 'self'");
  });

  it('never shows the access key or the credentials in pages, assets, answers or logs', async () => {
    const cookie = (await login(stack.creds.admin)).headers.get('set-cookie')!.split(';')[0]!;
    await login(stack.backend.accessKey); // someone typing the key into the form: refused, not logged
    const bodies: string[] = [];
    for (const path of ['/dashboard/login', '/dashboard', '/dashboard/assets/dashboard.js', '/dashboard/assets/api.js', '/dashboard/api/overview', '/dashboard/api/threads', '/dashboard/jobs', '/metrics']) {
      const res = await call(path, { headers: { cookie } });
      expect(res.status, path).toBe(200);
      res.headers.forEach((v, k) => bodies.push(`${k}: ${v}`));
      bodies.push(await res.text());
    }
    const everything = bodies.join('\n') + stack.logs();
    expect(stack.logs()).toContain('dashboard login refused');
    for (const secret of [stack.backend.accessKey, stack.creds.admin, stack.creds.read]) expect(everything).not.toContain(secret);
  });

  it('answers 503 while the bot is starting, and readiness says so', async () => {
    const app = Fastify() as unknown as FastifyInstance;
    await app.register(
      dashboardPlugin({ bot: () => undefined, botAdmin: () => undefined, accessKey: stack.backend.accessKey, logger: createLogger('silent'), metrics: new Metrics({ processMetrics: false }), readiness: async () => ({ redis: true, bot: false }) }),
    );
    const h = bearer(stack.creds.admin);
    expect((await app.inject({ url: '/dashboard/api/overview', headers: h })).statusCode).toBe(503);
    expect((await app.inject({ url: '/dashboard/jobs/api/queues', headers: h })).statusCode).toBe(503);
    expect((await app.inject({ url: '/dashboard/jobs/api/queues' })).statusCode).toBe(401);
    const ready = await app.inject({ url: '/readyz' });
    expect([ready.statusCode, ready.json()]).toEqual([503, { status: 'not ready', checks: { redis: true, bot: false }, dependencies: [] }]);
    expect((await app.inject({ url: '/metrics', headers: h })).statusCode).toBe(200);
    await app.close();
  });

  it('mounts in the chat backend app (all-in-one) next to the ACS API', async () => {
    const metrics = new Metrics({ processMetrics: false });
    const app = buildChatApp({
      chat: stack.backend.chat,
      identity: stack.backend.identity,
      accessKey: stack.backend.accessKey,
      clock: systemClock,
      logger: createLogger('silent'),
      metrics,
      plugins: [() => dashboardPlugin({ bot: () => stack.bot, botAdmin: () => stack.botAdmin, accessKey: stack.backend.accessKey, logger: createLogger('silent'), metrics, readiness: async () => ({ ok: true }) })],
    });
    const form = await app.inject({ method: 'POST', url: '/dashboard/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `credential=${stack.creds.admin}` });
    expect(form.statusCode).toBe(303);
    const cookie = String(form.headers['set-cookie']).split(';')[0]!;
    expect((await app.inject({ url: '/dashboard/api/overview', headers: { cookie } })).json().snapshot.counts).toBeDefined();
    expect((await app.inject({ url: '/dashboard/jobs/api/queues', headers: { cookie } })).statusCode).toBe(200);
    expect((await app.inject({ url: '/chat/threads?api-version=2025-03-15' })).json().error.code).toBeDefined();
    const text = (await app.inject({ url: '/metrics', headers: { cookie } })).body;
    expect(text).toMatch(/parley_http_request_duration_seconds_count\{method="GET",route="\/dashboard\/api\/overview",status_code="200"\} 1/);
    await app.close();
  });

  it('marks the session cookie Secure over HTTPS', async () => {
    const tls = testTlsEnv();
    const app = Fastify({ https: { key: fs.readFileSync(tls.PARLEY_TLS_KEY!), cert: fs.readFileSync(tls.PARLEY_TLS_CERT!) } }) as unknown as FastifyInstance;
    await app.register(dashboardPlugin({ bot: () => stack.bot, botAdmin: () => stack.botAdmin, accessKey: stack.backend.accessKey, logger: createLogger('silent'), metrics: new Metrics({ processMetrics: false }), readiness: async () => ({}) }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const res = await fetch(`https://localhost:${port}/dashboard/login`, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ credential: stack.creds.read }).toString(),
    });
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
    await app.close();
  });
});
