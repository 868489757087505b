import type { FastifyInstance } from 'fastify';
import { requireGrant } from '../../auth/scopes.js';
import { baseUrl, enforceLimit, type ApiContext } from '../context.js';
import { parseBody } from '../errors-handler.js';
import { pageSize, skip } from '../paging.js';
import { participant, readReceipt } from '../serialize.js';
import { addParticipantsSchema, identifierSchema, readReceiptSchema, typingSchema } from '../wire-schemas.js';
import { installChatAuth } from './chat-auth.js';

type Q = Record<string, string | undefined>;
type P = { threadId: string };

/** Participants, read receipts and typing (spec §3.11–3.16). */
export function participantRoutes(ctx: ApiContext) {
  return async (app: FastifyInstance) => {
    installChatAuth(app, ctx);

    const nextLink = (request: { query: unknown }, base: string, path: string, limit: number, offset: number) => {
      const q = request.query as Q;
      return `${base}${path}?maxPageSize=${limit}&skip=${offset}&api-version=${q['api-version']}`;
    };

    app.get<{ Params: P }>('/chat/threads/:threadId/participants', async (request) => {
      const { threadId } = request.params;
      const q = request.query as Q;
      enforceLimit(ctx, 'listParticipants', { user: request.caller, thread: threadId });
      const limit = pageSize(q.maxPageSize, 250);
      const offset = skip(q.skip);
      const page = ctx.chat.listParticipants(request.caller, threadId, { limit, skip: offset });
      return {
        value: page.participants.map(participant),
        ...(page.more
          ? { nextLink: nextLink(request, baseUrl(ctx, request), `/chat/threads/${threadId}/participants`, limit, offset + limit) }
          : {}),
      };
    });

    app.post<{ Params: P }>('/chat/threads/:threadId/participants/::add', async (request, reply) => {
      requireGrant(request.grant, 'manageParticipants');
      const { threadId } = request.params;
      const body = parseBody(addParticipantsSchema, request.body);
      enforceLimit(ctx, 'changeParticipants', { user: request.caller, thread: threadId });
      const invalid = ctx.chat.addParticipants(
        request.caller,
        threadId,
        body.participants.map((p) => ({
          rawId: p.communicationIdentifier,
          displayName: p.displayName,
          shareHistoryTime: p.shareHistoryTime,
          metadata: p.metadata,
        })),
      );
      return reply.status(201).send(invalid.length ? { invalidParticipants: invalid } : {});
    });

    app.post<{ Params: P }>('/chat/threads/:threadId/participants/::remove', async (request, reply) => {
      requireGrant(request.grant, 'manageParticipants');
      const { threadId } = request.params;
      const rawId = parseBody(identifierSchema, request.body);
      enforceLimit(ctx, 'changeParticipants', { user: request.caller, thread: threadId });
      ctx.chat.removeParticipant(request.caller, threadId, rawId);
      return reply.status(204).send();
    });

    app.post<{ Params: P }>('/chat/threads/:threadId/readReceipts', async (request, reply) => {
      const { threadId } = request.params;
      const body = parseBody(readReceiptSchema, request.body);
      enforceLimit(ctx, 'sendReadReceipt', { user: request.caller, thread: threadId });
      ctx.chat.sendReadReceipt(request.caller, threadId, body.chatMessageId);
      return reply.status(200).send();
    });

    app.get<{ Params: P }>('/chat/threads/:threadId/readReceipts', async (request) => {
      const { threadId } = request.params;
      const q = request.query as Q;
      enforceLimit(ctx, 'listReadReceipts', { user: request.caller, thread: threadId });
      const limit = pageSize(q.maxPageSize);
      const offset = skip(q.skip);
      const page = ctx.chat.listReadReceipts(request.caller, threadId, { limit, skip: offset });
      return {
        value: page.receipts.map(readReceipt),
        ...(page.more
          ? { nextLink: nextLink(request, baseUrl(ctx, request), `/chat/threads/${threadId}/readReceipts`, limit, offset + limit) }
          : {}),
      };
    });

    app.post<{ Params: P }>('/chat/threads/:threadId/typing', async (request, reply) => {
      const { threadId } = request.params;
      const body = parseBody(typingSchema, request.body);
      enforceLimit(ctx, 'typing', { user: request.caller, thread: threadId });
      ctx.chat.sendTyping(request.caller, threadId, body?.senderDisplayName);
      return reply.status(200).send();
    });
  };
}
