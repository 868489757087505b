import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { QUALITY_SETTINGS_SCHEMA } from '../decide/quality-schema.js';
import type { ApiContext } from '../../chat/http/context.js';
import { ApiError } from '../../chat/errors.js';
import { parseBody } from '../../chat/http/errors-handler.js';
import { installHmacGuard } from '../../chat/http/hmac-guard.js';
import { BotAdminError, type BotAdmin } from '../bot-admin.js';
import type { ThreadReport } from '../bot-admin.js';

const configSchema = z.object({
  languages: z.array(z.string().min(2).max(16)).max(10).optional(),
  mode: z.enum(['translate', 'analyze', 'both']).optional(),
  analysis: z.enum(['all', 'negative', 'none']).optional(),
  enabled: z.boolean().optional(),
  ...QUALITY_SETTINGS_SCHEMA,
});

const wire = (s: ThreadReport) => ({ ...s, addedOn: new Date(s.addedOn).toISOString() });

/** `notes`: the thread's own (languages: pivoted, source-limited, none set) and what the bot's engine cannot honour of the settings just made. */
const withNotes = <T extends { notes: string[] }>({ notes: own, ...body }: T, notes: string[]) => {
  const all = [...own, ...notes];
  return all.length ? { ...body, notes: all } : body;
};

async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof BotAdminError) throw new ApiError(err.status, err.code, err.message);
    throw err;
  }
}

/**
 * The bot's admin REST API, HMAC-signed with the access key like the Identity API:
 * `GET /admin/bot/threads`, `PUT /admin/bot/threads/:threadId` (add the bot, with settings),
 * `PATCH` (change settings), `DELETE` (remove the bot).
 */
export function botAdminRoutes(ctx: Pick<ApiContext, 'accessKey' | 'clock'>, admin: () => BotAdmin | undefined) {
  return async (app: FastifyInstance) => {
    installHmacGuard(app, ctx);
    const get = () => {
      const a = admin();
      if (!a) throw new ApiError(503, 'ServiceUnavailable', 'The bot is still starting.');
      return a;
    };
    app.get('/admin/bot/threads', async () => ({ value: (await get().list()).map(wire) }));
    app.put<{ Params: { threadId: string } }>('/admin/bot/threads/:threadId', async (request) => {
      const config = parseBody(configSchema, request.body ?? {});
      return withNotes(wire(await mapped(() => get().add(request.params.threadId, config))), get().notes(config));
    });
    app.patch<{ Params: { threadId: string } }>('/admin/bot/threads/:threadId', async (request) => {
      const config = parseBody(configSchema, request.body ?? {});
      return withNotes(wire(await mapped(() => get().configure(request.params.threadId, config))), get().notes(config));
    });
    app.delete<{ Params: { threadId: string } }>('/admin/bot/threads/:threadId', async (request, reply) => {
      await mapped(() => get().remove(request.params.threadId));
      return reply.status(204).send();
    });
  };
}
