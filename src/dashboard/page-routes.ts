import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { isSameOrigin, LOGIN_PATH, SESSION_COOKIE } from './auth-hook.js';
import { readCookie, sessionCookie, type DashboardAuth } from './credentials.js';
import type { DashboardDeps } from './deps.js';
import { dashboardPage, loginPage, PAGE_HEADERS } from './html.js';

const ASSETS_DIR = new URL('./assets/', import.meta.url);
const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };

/** The files under `assets/`, read once: name → type and body. Nothing else is ever served from disk. */
function loadAssets(): Map<string, { type: string; body: Buffer }> {
  const out = new Map<string, { type: string; body: Buffer }>();
  for (const name of fs.readdirSync(ASSETS_DIR)) {
    const type = TYPES[name.slice(name.lastIndexOf('.'))];
    if (type) out.set(name, { type, body: fs.readFileSync(new URL(name, ASSETS_DIR)) });
  }
  return out;
}

/** The login form and session cookie, the page shell, and its script and style files. */
export function pageRoutes(deps: DashboardDeps, auth: DashboardAuth) {
  const log = deps.logger.child({ component: 'dashboard' });
  const assets = loadAssets();
  return async (app: FastifyInstance) => {
    const publicRoute = { config: { dashboardPublic: true } };

    app.get(LOGIN_PATH, publicRoute, async (_request, reply) => reply.headers(PAGE_HEADERS).send(loginPage()));
    // The tab icon, also on the login form (public: an icon says nothing).
    app.get('/dashboard/favicon.svg', publicRoute, async (_request, reply) => {
      const icon = assets.get('favicon.svg');
      return reply.type(icon!.type).header('cache-control', 'public, max-age=86400').header('x-content-type-options', 'nosniff').send(icon!.body);
    });
    app.get('/dashboard/login.css', publicRoute, async (_request, reply) => {
      const css = assets.get('login.css');
      return reply.type(css!.type).header('cache-control', 'no-cache').send(css!.body);
    });

    app.post<{ Body: { credential?: string } | undefined }>(LOGIN_PATH, publicRoute, async (request, reply) => {
      if (request.headers.origin && !isSameOrigin(request)) {
        return reply.code(403).headers(PAGE_HEADERS).send(loginPage('Log in from the dashboard’s own page.'));
      }
      const role = auth.roleOf(typeof request.body?.credential === 'string' ? request.body.credential : undefined);
      if (!role) {
        log.info({ ip: request.ip }, 'dashboard login refused');
        return reply.code(401).headers(PAGE_HEADERS).send(loginPage('That credential is not valid.'));
      }
      const session = auth.issue(role);
      log.info({ role, ip: request.ip }, 'dashboard login');
      return reply
        .header('set-cookie', sessionCookie(SESSION_COOKIE, session.value, session.maxAgeSeconds, request.protocol === 'https'))
        .redirect('/dashboard', 303);
    });

    // Anyone may end their own session; the origin check stops other sites logging a user out.
    // The session ends on the server too: a copy of the cookie stops working at once.
    app.post('/dashboard/logout', publicRoute, async (request, reply) => {
      if (!isSameOrigin(request)) return reply.code(403).send({ error: { code: 'CrossOriginRequest', message: 'Log out from the dashboard itself.' } });
      auth.end(readCookie(request.headers.cookie, SESSION_COOKIE));
      log.info('dashboard logout');
      return reply.header('set-cookie', sessionCookie(SESSION_COOKIE, '', 0, request.protocol === 'https')).redirect(LOGIN_PATH, 303);
    });

    const page = async (request: { dashboard: { role: string; csrf?: string } | null }) =>
      dashboardPage({ role: request.dashboard!.role, csrf: request.dashboard!.csrf ?? '' });
    app.get('/dashboard', async (request, reply) => reply.headers(PAGE_HEADERS).send(await page(request)));

    app.get<{ Params: { file: string } }>('/dashboard/assets/:file', async (request, reply) => {
      const asset = assets.get(request.params.file);
      if (!asset) return reply.code(404).send({ error: { code: 'NotFound', message: 'No such dashboard asset.' } });
      return reply.type(asset.type).header('cache-control', 'private, no-cache').header('x-content-type-options', 'nosniff').send(asset.body);
    });
  };
}
