import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { baseUrl, enforceLimit, type ApiContext } from '../context.js';
import { parseBody, requireBody } from '../errors-handler.js';
import { decodeSyncState, encodeSyncState, pageSize, startTime } from '../paging.js';
import { message } from '../serialize.js';
import { sendMessageSchema, updateMessageSchema } from '../wire-schemas.js';
import { installChatAuth } from './chat-auth.js';

type Q = Record<string, string | undefined>;
type P = { threadId: string };
type PM = { threadId: string; messageId: string };

const messageCursor = z.object({ b: z.number().int(), s: z.number() });

/** Send, list, get, update and delete messages (spec §3.6–3.10). */
export function messageRoutes(ctx: ApiContext) {
  return async (app: FastifyInstance) => {
    installChatAuth(app, ctx);

    app.post<{ Params: P }>('/chat/threads/:threadId/messages', async (request, reply) => {
      const { threadId } = request.params;
      const body = parseBody(sendMessageSchema, request.body);
      enforceLimit(ctx, 'changeMessage', { user: request.caller, thread: threadId });
      const m = ctx.chat.sendMessage(request.caller, threadId, {
        content: body.content,
        type: body.type ?? 'text',
        senderDisplayName: body.senderDisplayName,
        metadata: body.metadata,
      });
      return reply
        .status(201)
        .header('location', `${baseUrl(ctx, request)}/chat/threads/${encodeURIComponent(threadId)}/messages/${m.id}`)
        .send({ id: m.id });
    });

    app.get<{ Params: P }>('/chat/threads/:threadId/messages', async (request) => {
      const { threadId } = request.params;
      const q = request.query as Q;
      enforceLimit(ctx, 'listMessages', { user: request.caller, thread: threadId });
      const limit = pageSize(q.maxPageSize);
      const cursor = decodeSyncState(q.syncState, messageCursor);
      const since = cursor ? cursor.s : startTime(q.startTime);
      const page = ctx.chat.listMessages(request.caller, threadId, { limit, startTime: since, beforeSeq: cursor?.b ?? null });
      const nextLink =
        page.nextBeforeSeq !== null
          ? `${baseUrl(ctx, request)}/chat/threads/${threadId}/messages?syncState=${encodeSyncState({ b: page.nextBeforeSeq, s: since })}&maxPageSize=${limit}&api-version=${q['api-version']}`
          : undefined;
      return { value: page.messages.map(message), ...(nextLink ? { nextLink } : {}) };
    });

    app.get<{ Params: PM }>('/chat/threads/:threadId/messages/:messageId', async (request) => {
      const { threadId, messageId } = request.params;
      enforceLimit(ctx, 'getMessage', { user: request.caller, thread: threadId });
      return message(ctx.chat.getMessage(request.caller, threadId, messageId));
    });

    app.patch<{ Params: PM }>('/chat/threads/:threadId/messages/:messageId', async (request, reply) => {
      const { threadId, messageId } = request.params;
      const body = parseBody(updateMessageSchema, requireBody(request.body, '{"content":"…"}'));
      enforceLimit(ctx, 'changeMessage', { user: request.caller, thread: threadId });
      ctx.chat.updateMessage(request.caller, threadId, messageId, body);
      return reply.status(204).send();
    });

    app.delete<{ Params: PM }>('/chat/threads/:threadId/messages/:messageId', async (request, reply) => {
      const { threadId, messageId } = request.params;
      enforceLimit(ctx, 'changeMessage', { user: request.caller, thread: threadId });
      ctx.chat.deleteMessage(request.caller, threadId, messageId);
      return reply.status(204).send();
    });
  };
}
