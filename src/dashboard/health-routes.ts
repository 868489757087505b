import type { FastifyInstance } from 'fastify';
import type { DashboardDeps } from './deps.js';

/**
 * `/healthz` (the process is up), `/readyz` (every readiness check passes; 503 naming the failing
 * ones otherwise; plus the chat backend's and the model's state, e.g. down since …) — both public,
 * for probes — and `/metrics` (Prometheus text; any dashboard
 * credential, e.g. a scraper's `Authorization: Bearer <read-only credential>`).
 */
export function healthRoutes(deps: DashboardDeps) {
  return async (app: FastifyInstance) => {
    app.get('/healthz', { config: { dashboardPublic: true } }, async () => ({ status: 'ok' }));
    app.get('/readyz', { config: { dashboardPublic: true } }, async (_request, reply) => {
      let checks: Record<string, boolean>;
      try {
        checks = await deps.readiness();
      } catch {
        checks = { readiness: false };
      }
      const ready = Object.values(checks).every(Boolean);
      // Shown, not judged: a model that is away holds work but does not make the process unready.
      const dependencies = deps.dependencies?.() ?? [];
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks, dependencies });
    });
    app.get('/metrics', async (_request, reply) => {
      const bot = deps.bot();
      if (bot) deps.metrics.attachBot(bot);
      return reply.type(deps.metrics.contentType).header('cache-control', 'no-store').send(await deps.metrics.render());
    });
  };
}
