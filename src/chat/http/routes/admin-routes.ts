import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { parseBody } from '../errors-handler.js';
import { installHmacGuard } from '../hmac-guard.js';
import { addParticipantsSchema, identifierSchema } from '../wire-schemas.js';

type P = { threadId: string };

/**
 * parley's own admin API (not part of ACS), HMAC-signed with the access key: the resource owner
 * adds or removes participants of any thread — how the bot is added to a thread it is not in yet.
 */
export function adminThreadRoutes(ctx: ApiContext) {
  return async (app: FastifyInstance) => {
    installHmacGuard(app, ctx);

    app.post<{ Params: P }>('/admin/threads/:threadId/participants/::add', async (request, reply) => {
      const body = parseBody(addParticipantsSchema, request.body);
      const invalid = ctx.chat.addParticipants(
        { admin: true },
        request.params.threadId,
        body.participants.map((p) => ({ rawId: p.communicationIdentifier, displayName: p.displayName, metadata: p.metadata })),
      );
      return reply.status(201).send(invalid.length ? { invalidParticipants: invalid } : {});
    });

    app.post<{ Params: P }>('/admin/threads/:threadId/participants/::remove', async (request, reply) => {
      ctx.chat.removeParticipant({ admin: true }, request.params.threadId, parseBody(identifierSchema, request.body));
      return reply.status(204).send();
    });
  };
}
