import type { FastifyInstance } from 'fastify';
import { checkApiVersion, IDENTITY_API_VERSIONS } from '../api-version.js';
import { enforceLimit, type ApiContext } from '../context.js';
import { parseBody } from '../errors-handler.js';
import { installHmacGuard } from '../hmac-guard.js';
import { createIdentitySchema, issueTokenSchema } from '../wire-schemas.js';

const tokenBody = (t: { token: string; expiresOn: Date }) => ({ token: t.token, expiresOn: t.expiresOn.toISOString() });

/** The ACS Identity API (spec §8.1), authenticated with HMAC-SHA256 over the access key. */
export function identityRoutes(ctx: ApiContext) {
  return async (app: FastifyInstance) => {
    installHmacGuard(app, ctx);
    app.addHook('preHandler', async (request) => {
      checkApiVersion((request.query as Record<string, unknown>)['api-version'], IDENTITY_API_VERSIONS);
    });

    app.post('/identities', async (request, reply) => {
      enforceLimit(ctx, 'createIdentity', {});
      const body = parseBody(createIdentitySchema, request.body);
      const id = ctx.identity.createUser();
      const identity = { id };
      if (!body?.createTokenWithScopes) return reply.status(201).send({ identity });
      enforceLimit(ctx, 'issueToken', {});
      const token = await ctx.identity.issueToken(id, body.createTokenWithScopes, body.expiresInMinutes);
      return reply.status(201).send({ identity, accessToken: tokenBody(token) });
    });

    app.post<{ Params: { id: string } }>('/identities/:id/::issueAccessToken', async (request, reply) => {
      enforceLimit(ctx, 'issueToken', {});
      const body = parseBody(issueTokenSchema, request.body);
      const token = await ctx.identity.issueToken(request.params.id, body.scopes, body.expiresInMinutes);
      return reply.status(200).send(tokenBody(token));
    });

    app.post<{ Params: { id: string } }>('/identities/:id/::revokeAccessTokens', async (request, reply) => {
      enforceLimit(ctx, 'revokeTokens', {});
      ctx.identity.revokeTokens(request.params.id);
      return reply.status(204).send();
    });

    app.delete<{ Params: { id: string } }>('/identities/:id', async (request, reply) => {
      enforceLimit(ctx, 'deleteIdentity', {});
      ctx.identity.deleteUser(request.params.id);
      return reply.status(204).send();
    });
  };
}
