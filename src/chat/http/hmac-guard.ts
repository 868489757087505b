import type { FastifyInstance } from 'fastify';
import { verifyHmac } from '../auth/hmac.js';
import { errors } from '../errors.js';
import type { ApiContext } from './context.js';

/** Requires every request of this scope to be HMAC-SHA256-signed with the access key (spec §8.2). */
export function installHmacGuard(app: FastifyInstance, ctx: Pick<ApiContext, 'accessKey' | 'clock'>): void {
  app.addHook('preHandler', async (request) => {
    const failure = verifyHmac(
      ctx.accessKey,
      { method: request.method, url: request.url, headers: request.headers, rawBody: request.rawBody },
      ctx.clock(),
    );
    if (failure === 'content-hash') throw errors.denied("Request 'x-ms-content-sha256' differs from generated content hash.");
    if (failure) throw errors.denied();
  });
}
