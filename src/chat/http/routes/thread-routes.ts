import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireGrant } from '../../auth/scopes.js';
import { baseUrl, enforceLimit, type ApiContext } from '../context.js';
import { parseBody, requireBody } from '../errors-handler.js';
import { decodeSyncState, encodeSyncState, pageSize, startTime } from '../paging.js';
import { threadItem, threadProperties } from '../serialize.js';
import { createThreadSchema, updateThreadSchema } from '../wire-schemas.js';
import { installChatAuth } from './chat-auth.js';

type Q = Record<string, string | undefined>;
type P = { threadId: string };

const threadCursor = z.object({ t: z.number(), id: z.string(), s: z.number() });

/** Create, list, get, update and delete threads (spec §3.1–3.5). */
export function threadRoutes(ctx: ApiContext) {
  return async (app: FastifyInstance) => {
    installChatAuth(app, ctx);

    app.post('/chat/threads', async (request, reply) => {
      requireGrant(request.grant, 'manageThreads');
      const caller = request.caller;
      const body = parseBody(createThreadSchema, request.body);
      const repeatability = request.headers['repeatability-request-id'];
      const key = typeof repeatability === 'string' && repeatability.length > 0 ? repeatability.slice(0, 256) : undefined;
      enforceLimit(ctx, 'createThread', { user: caller });
      const result = ctx.chat.createThread(
        caller,
        {
          topic: body.topic,
          participants: (body.participants ?? []).map((p) => ({
            rawId: p.communicationIdentifier,
            displayName: p.displayName,
            shareHistoryTime: p.shareHistoryTime,
            metadata: p.metadata,
          })),
          metadata: body.metadata,
          retention: body.retentionPolicy,
        },
        key,
      );
      return reply
        .status(201)
        .header('location', `${baseUrl(ctx, request)}/chat/threads/${encodeURIComponent(result.thread.id)}`)
        .send({
          chatThread: threadProperties(result.thread),
          ...(result.invalidParticipants.length ? { invalidParticipants: result.invalidParticipants } : {}),
        });
    });

    app.get('/chat/threads', async (request) => {
      const q = request.query as Q;
      enforceLimit(ctx, 'getThread', { user: request.caller });
      const limit = pageSize(q.maxPageSize);
      const cursor = decodeSyncState(q.syncState, threadCursor);
      const since = cursor ? cursor.s : startTime(q.startTime);
      const { threads, next } = ctx.chat.listThreads(request.caller, { limit, startTime: since, cursor });
      const nextLink = next
        ? `${baseUrl(ctx, request)}/chat/threads?syncState=${encodeSyncState({ ...next, s: since })}&maxPageSize=${limit}&api-version=${q['api-version']}`
        : undefined;
      return { value: threads.map(threadItem), ...(nextLink ? { nextLink } : {}) };
    });

    app.get<{ Params: P }>('/chat/threads/:threadId', async (request) => {
      enforceLimit(ctx, 'getThread', { user: request.caller });
      return threadProperties(ctx.chat.getThread(request.caller, request.params.threadId));
    });

    app.patch<{ Params: P }>('/chat/threads/:threadId', async (request, reply) => {
      requireGrant(request.grant, 'manageThreads');
      const body = parseBody(updateThreadSchema, requireBody(request.body, '{"topic":"…"}'));
      enforceLimit(ctx, 'updateThread', { user: request.caller, thread: request.params.threadId });
      ctx.chat.updateThread(request.caller, request.params.threadId, {
        topic: body.topic,
        metadata: body.metadata,
        retention: body.retentionPolicy,
      });
      return reply.status(204).send();
    });

    app.delete<{ Params: P }>('/chat/threads/:threadId', async (request, reply) => {
      requireGrant(request.grant, 'manageThreads');
      enforceLimit(ctx, 'deleteThread', { user: request.caller });
      ctx.chat.deleteThread(request.caller, request.params.threadId);
      return reply.status(204).send();
    });
  };
}
