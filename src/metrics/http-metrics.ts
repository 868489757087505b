import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics.js';

/**
 * Records `parley_http_request_duration_seconds` for every response of `app` (call on the root
 * instance). The route label is the route pattern, never the raw URL, so ids do not explode the
 * series; requests that matched no route are labelled `unmatched`.
 */
export function installHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}
