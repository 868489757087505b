import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errors } from '../../errors.js';
import type { ApiContext } from '../context.js';
import { parseBody } from '../errors-handler.js';
import { installHmacGuard } from '../hmac-guard.js';

const botIdentitySchema = z.object({
  userId: z.string().trim().min(1).max(512),
  displayName: z.string().trim().min(1).max(256),
});

/**
 * Which identity is the bot's. The bot registers itself at start (`PUT /admin/bot/identity`, signed
 * with the access key like every trusted call); clients read it (`GET /parley/bot`, public: an
 * identity is not a secret, and clients need it before trusting any post as a translation).
 */
export function botIdentityRoutes(ctx: ApiContext) {
  return async (app: FastifyInstance) => {
    app.get('/parley/bot', async (_request, reply) => {
      const bot = ctx.identity.botIdentity();
      if (!bot) throw errors.notFound('No parley bot has registered with this backend yet.');
      return reply.header('cache-control', 'no-cache').send(bot);
    });

    await app.register(async (admin) => {
      installHmacGuard(admin, ctx);
      admin.put('/admin/bot/identity', async (request) => ctx.identity.registerBot(parseBody(botIdentitySchema, request.body)));
    });
  };
}
