import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ApiContext } from '../chat/http/context.js';
import { parseBody } from '../chat/http/errors-handler.js';
import { installHmacGuard } from '../chat/http/hmac-guard.js';
import { EVENT_GRID_TYPES } from './envelopes.js';
import type { Webhooks } from './webhooks.js';

const subscribeSchema = z.object({
  name: z.string().trim().min(1).max(128).regex(/^[A-Za-z0-9-_]+$/, 'letters, digits, - and _ only').optional(),
  endpointUrl: z.url({ protocol: /^https?$/ }),
  includedEventTypes: z.array(z.enum(EVENT_GRID_TYPES as [string, ...string[]])).min(1).optional(),
  secret: z.string().min(16).max(256).optional(),
});

/**
 * Admin API for Event Grid–style webhook subscriptions, HMAC-signed with the access key:
 * `POST /admin/eventSubscriptions` (handshake first; answers the secret once), `GET`, `DELETE /:id`.
 */
export function webhookAdminRoutes(ctx: ApiContext, webhooks: Webhooks) {
  return async (app: FastifyInstance) => {
    installHmacGuard(app, ctx);

    app.post('/admin/eventSubscriptions', async (request, reply) => {
      const body = parseBody(subscribeSchema, request.body);
      const sub = await webhooks.subscribe({
        name: body.name,
        endpointUrl: body.endpointUrl,
        eventTypes: body.includedEventTypes,
        secret: body.secret,
      });
      return reply.status(201).send({ ...sub, createdOn: new Date(sub.createdOn).toISOString() });
    });

    app.get('/admin/eventSubscriptions', async () => ({
      value: webhooks.list().map((s) => ({ ...s, createdOn: new Date(s.createdOn).toISOString() })),
    }));

    app.delete<{ Params: { id: string } }>('/admin/eventSubscriptions/:id', async (request, reply) => {
      webhooks.remove(request.params.id);
      return reply.status(204).send();
    });
  };
}
