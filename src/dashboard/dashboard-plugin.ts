import type { FastifyError, FastifyInstance } from 'fastify';
import { BotAdminError } from '../bot/bot-admin.js';
import { ApiError } from '../chat/errors.js';
import { installDashboardAuth } from './auth-hook.js';
import { DashboardAuth } from './credentials.js';
import type { DashboardDeps } from './deps.js';
import { healthRoutes } from './health-routes.js';
import { JOBS_BASE_PATH, jobsBoard } from './jobs-board.js';
import { pageRoutes } from './page-routes.js';
import { queueApi } from './queue-api.js';
import { threadsApi } from './threads-api.js';
import { topicCache } from './topics.js';

export type { DashboardDeps } from './deps.js';

const FORM = 'application/x-www-form-urlencoded';

/** Errors of the dashboard scope as `{"error":{"code","message"}}`, whatever app hosts it. */
function installErrors(app: FastifyInstance, deps: DashboardDeps): void {
  app.setErrorHandler((err: FastifyError | ApiError | BotAdminError, request, reply) => {
    let status = 500;
    let code = 'InternalServerError';
    let message = 'An unexpected error occurred.';
    if (err instanceof ApiError || err instanceof BotAdminError) ({ status, code, message } = err);
    else if ('statusCode' in err && typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      ({ statusCode: status, message } = err as FastifyError & { statusCode: number });
      code = 'BadRequest';
    } else deps.logger.error({ err, url: request.routeOptions.url }, 'dashboard request failed');
    void reply.code(status).type('application/json; charset=utf-8').send({ error: { code, message } });
  });
}

/**
 * The dashboard, as a Fastify plugin to register on the backend's app (all-in-one) and on the bot
 * process's server. Routes: `/healthz`, `/readyz`, `/metrics`, `/dashboard` (page, login, logout,
 * assets), `/dashboard/api/*` (JSON), `/dashboard/jobs` (bull-board). Everything but the health
 * probes and the login form needs a dashboard credential (see `auth-hook.ts`).
 */
export function dashboardPlugin(deps: DashboardDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    const auth = new DashboardAuth(deps.accessKey, { sessionTtlMs: deps.sessionTtlMs });
    installErrors(app, deps);
    if (!app.hasContentTypeParser(FORM)) {
      app.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      });
    }
    installDashboardAuth(app, auth);
    await app.register(healthRoutes(deps));
    await app.register(pageRoutes(deps, auth));
    // One topic cache: the queue's job lists and the thread lists name threads the same way.
    const topics = topicCache();
    await app.register(queueApi(deps, topics));
    await app.register(threadsApi(deps, topics));
    await app.register(jobsBoard(deps), { prefix: JOBS_BASE_PATH });
  };
}
