import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyReply, type FastifyServerOptions } from 'fastify';
import type { Logger } from '../../lib/logger.js';
import { installHttpMetrics } from '../../metrics/http-metrics.js';
import type { Metrics } from '../../metrics/metrics.js';
import { errors } from '../errors.js';
import type { ApiContext } from './context.js';
import { installErrorHandling } from './errors-handler.js';
import { RequestLog } from './request-log.js';
import { adminThreadRoutes } from './routes/admin-routes.js';
import { botIdentityRoutes } from './routes/bot-identity-routes.js';
import { identityRoutes } from './routes/identity-routes.js';
import { messageRoutes } from './routes/message-routes.js';
import { participantRoutes } from './routes/participant-routes.js';
import { threadRoutes } from './routes/thread-routes.js';

export interface ChatAppOptions extends ApiContext, BaseAppOptions {
  /** More route plugins (webhook admin, bot admin, dashboard), each given the API context. */
  plugins?: Array<(ctx: ApiContext) => FastifyPluginAsync>;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Options of every parley HTTP server (chat backend, bot process). */
export interface BaseAppOptions {
  logger: Logger;
  /** PEM key and certificate: serve HTTPS. */
  https?: { key: string | Buffer; cert: string | Buffer };
  /**
   * Largest accepted body in bytes. A 28 KB message can grow when JSON-escaped.
   * @defaultValue 262144
   */
  bodyLimit?: number;
  /** Record `parley_http_request_duration_seconds` for every request into this registry. */
  metrics?: Metrics;
}

/**
 * A Fastify app with parley's conventions: JSON bodies kept raw for HMAC, ACS error bodies for every
 * error, the client request id echoed. Not listening (tests use port 0 or `inject`).
 */
export function createBaseApp({ logger, https, bodyLimit = 256 * 1024, metrics }: BaseAppOptions): FastifyInstance {
  const serverOptions: FastifyServerOptions = {
    loggerInstance: logger.child({ component: 'http' }),
    logController: new RequestLog(),
    bodyLimit,
    // The SDK percent-encodes thread ids; raw `19:…@thread.v2` also arrives (nextLinks). Both route the same.
    routerOptions: { maxParamLength: 1024 },
    requestIdHeader: 'x-ms-client-request-id',
    genReqId: () => crypto.randomUUID(),
    // Errors Fastify raises before routing (a malformed URL) get the ACS error body too.
    frameworkErrors: (err, _request, reply) => {
      const r = reply as unknown as FastifyReply;
      void r.status(400).type('application/json; charset=utf-8').send(errors.badRequest(err.message).toBody());
    },
  };
  const app = (https ? Fastify({ ...serverOptions, https } as FastifyServerOptions) : Fastify(serverOptions)) as FastifyInstance;

  app.decorateRequest('caller', '');
  app.decorateRequest('grant', null);
  app.decorateRequest('rawBody', '');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/json', 'application/merge-patch+json'],
    { parseAs: 'buffer' },
    (request, body, done) => {
      // JSON is UTF-8 (RFC 8259 §8.1): invalid bytes are refused rather than stored as U+FFFD. The
      // BOM is kept, so rawBody stays byte-exact for HMAC content hashes (and JSON.parse refuses it).
      let text: string;
      try {
        text = STRICT_UTF8.decode(body as Buffer);
      } catch {
        return done(errors.invalidEncoding(), undefined);
      }
      request.rawBody = text;
      if (text.trim() === '') return done(null, undefined);
      try {
        done(null, JSON.parse(text));
      } catch (err) {
        done(errors.invalidJson((err as Error).message), undefined);
      }
    },
  );
  app.addHook('onSend', async (request, reply) => {
    const id = request.headers['x-ms-client-request-id'];
    if (typeof id === 'string') void reply.header('x-ms-client-request-id', id);
  });
  installErrorHandling(app);
  if (metrics) installHttpMetrics(app, metrics);
  return app;
}

/** Builds the chat backend's HTTP app without listening. */
export function buildChatApp(options: ChatAppOptions): FastifyInstance {
  const { logger, https, bodyLimit, metrics, plugins = [], ...ctx } = options;
  const app = createBaseApp({ logger, https, bodyLimit, metrics });
  const isWrite = (method: string) => method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
  // After a failed sync to disk the store takes no more writes until the process restarts.
  app.addHook('onRequest', async (request, reply) => {
    if (!isWrite(request.method) || !ctx.chat.writeFailure) return;
    return reply
      .code(503)
      .type('application/json; charset=utf-8')
      .send(errors.unavailable('The chat store cannot write to disk; the server must be restarted.').toBody());
  });
  // A successful write is answered only once it is on disk (group commit: one fsync per batch).
  app.addHook('onSend', async (request, reply) => {
    if (!isWrite(request.method) || reply.statusCode >= 400) return;
    try {
      await ctx.chat.durable();
    } catch (err) {
      request.log.error({ err: (err as Error).message }, 'chat store sync failed');
      void reply.code(503).type('application/json; charset=utf-8');
      return JSON.stringify(errors.unavailable('The change may not have reached the disk.').toBody());
    }
    return undefined;
  });
  void app.register(identityRoutes(ctx));
  void app.register(threadRoutes(ctx));
  void app.register(messageRoutes(ctx));
  void app.register(participantRoutes(ctx));
  void app.register(adminThreadRoutes(ctx));
  void app.register(botIdentityRoutes(ctx));
  for (const plugin of plugins) void app.register(plugin(ctx));
  return app;
}
