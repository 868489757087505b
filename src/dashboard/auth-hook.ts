import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readCookie, type DashboardAuth, type DashboardRole } from './credentials.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without a dashboard credential (health probes, the login form). */
    dashboardPublic?: boolean;
  }
  interface FastifyRequest {
    /** Who the dashboard auth hook let in; null on public routes. */
    dashboard: DashboardIdentity | null;
  }
}

/** An authenticated dashboard caller. `csrf` is set for cookie sessions. */
export interface DashboardIdentity {
  role: DashboardRole;
  via: 'bearer' | 'cookie';
  csrf?: string;
}

export const SESSION_COOKIE = 'parley_dashboard';
/** Header carrying the session's CSRF token on parley's own state-changing API calls. */
export const CSRF_HEADER = 'x-parley-csrf';
export const LOGIN_PATH = '/dashboard/login';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const refuse = (reply: FastifyReply, status: number, code: string, message: string) =>
  reply.code(status).type('application/json; charset=utf-8').send({ error: { code, message } });

/**
 * Whether a browser request comes from this origin: the `Origin` header's host must equal `Host`;
 * without `Origin`, `Sec-Fetch-Site` must say `same-origin`. Non-browser clients use bearer auth.
 */
export function isSameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin) {
    try {
      return new URL(origin).host === request.host;
    } catch {
      return false;
    }
  }
  return request.headers['sec-fetch-site'] === 'same-origin';
}

function identify(request: FastifyRequest, auth: DashboardAuth): DashboardIdentity | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) {
    const role = auth.roleOf(header.slice('Bearer '.length));
    return role ? { role, via: 'bearer' } : null;
  }
  const session = auth.verify(readCookie(request.headers.cookie, SESSION_COOKIE));
  return session ? { role: session.role, via: 'cookie', csrf: session.csrf } : null;
}

/** Fastify routes on the decoded path: `routeOptions.url` is the matched route, whatever the encoding. */
const routePath = (request: FastifyRequest) => request.routeOptions.url ?? request.url;

const wantsPage = (request: FastifyRequest) =>
  request.method === 'GET' && /text\/html/.test(request.headers.accept ?? '') && !/^\/dashboard\/(api|jobs\/api)\//.test(routePath(request));

function tokenMatches(sent: string | string[] | undefined, expected: string | undefined): boolean {
  if (typeof sent !== 'string' || !expected) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Guards every route of the scope it is installed in (and of its child scopes, so bull-board's
 * static files too), except routes with `config.dashboardPublic`:
 * - no valid bearer credential or session cookie → 401 (a browser asking for a page is sent to the
 *   login form);
 * - a state-changing method needs the admin role (read-only → 403);
 * - with a cookie session it must also come from this origin (`Origin`/`Sec-Fetch-Site`) and carry
 *   the session's CSRF token in `x-parley-csrf` — every state-changing request, whatever its path,
 *   so no spelling of a path (`/dashboard/%61pi/…`) escapes the check. (bull-board, which could not
 *   send the token, is read-only.)
 */
export function installDashboardAuth(app: FastifyInstance, auth: DashboardAuth): void {
  app.decorateRequest('dashboard', null);
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config?.dashboardPublic) return;
    const identity = identify(request, auth);
    if (!identity) {
      if (wantsPage(request)) return reply.redirect(LOGIN_PATH, 303);
      return refuse(reply, 401, 'Unauthorized', 'Log in to the dashboard, or send Authorization: Bearer <dashboard credential>.');
    }
    request.dashboard = identity;
    if (SAFE_METHODS.has(request.method)) return;
    if (identity.role !== 'admin') return refuse(reply, 403, 'ReadOnly', 'This credential can look but not act.');
    if (identity.via === 'bearer') return;
    if (!isSameOrigin(request)) return refuse(reply, 403, 'CrossOriginRequest', 'State-changing requests must come from the dashboard itself.');
    if (!tokenMatches(request.headers[CSRF_HEADER], identity.csrf)) {
      return refuse(reply, 403, 'CsrfTokenInvalid', `Send the page's CSRF token in the ${CSRF_HEADER} header.`);
    }
  });
}
