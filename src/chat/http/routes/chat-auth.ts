import type { FastifyInstance } from 'fastify';
import { errors } from '../../errors.js';
import { CHAT_API_VERSIONS, checkApiVersion } from '../api-version.js';
import type { ApiContext } from '../context.js';

/**
 * Every chat call: a supported api-version (nextLinks carry theirs) and a valid bearer token with
 * the `chat` scope; sets `request.caller`.
 */
export function installChatAuth(app: FastifyInstance, ctx: ApiContext): void {
  app.addHook('preHandler', async (request) => {
    const query = request.query as Record<string, unknown>;
    const { userId, scopes } = await ctx.identity.authenticate(request.headers.authorization);
    checkApiVersion(query['api-version'], CHAT_API_VERSIONS);
    if (!scopes.includes('chat')) throw errors.unauthorized("The access token does not carry the 'chat' scope.");
    request.caller = userId;
  });
}
