import type { FastifyInstance } from 'fastify';
import { requireChatGrant } from '../../auth/scopes.js';
import { CHAT_API_VERSIONS, checkApiVersion } from '../api-version.js';
import type { ApiContext } from '../context.js';

/**
 * Every chat call: a supported api-version (nextLinks carry theirs) and a valid bearer token (401
 * otherwise) with a chat scope (403 otherwise); sets `request.caller` and `request.grant`.
 */
export function installChatAuth(app: FastifyInstance, ctx: ApiContext): void {
  app.addHook('preHandler', async (request) => {
    const query = request.query as Record<string, unknown>;
    const { userId, scopes } = await ctx.identity.authenticate(request.headers.authorization);
    checkApiVersion(query['api-version'], CHAT_API_VERSIONS);
    request.grant = requireChatGrant(scopes);
    request.caller = userId;
  });
}
