import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { ChatRestClient } from '../../client/chat-rest-client.js';
import type { RealtimeFrame } from '../../client/realtime-connection.js';
import { ApiError } from '../../chat/errors.js';
import { SIGNATURE_HEADER, verifySignature } from '../../webhooks/signature.js';
import { confirmFrame } from './event-confirm.js';

interface EventGridEvent {
  eventType: string;
  data: Record<string, unknown>;
}

const NS = 'Microsoft.Communication.';
const user = (id: unknown) => {
  const m = id as { communicationUser?: { id: string }; rawId?: string } | undefined;
  return { communicationUserId: m?.communicationUser?.id ?? m?.rawId ?? '' };
};

/**
 * Maps the per-user Event Grid events addressed to the bot to the real-time frames the listener
 * understands — how the bot takes its events when it runs against real ACS.
 */
export function frameFromEventGrid(e: EventGridEvent): RealtimeFrame | null {
  const d = e.data;
  const threadId = d.threadId;
  const message = (type: string, extra: Record<string, unknown>) => ({
    type,
    payload: {
      threadId,
      id: d.messageId,
      version: String(d.version),
      sender: user(d.senderCommunicationIdentifier),
      type: String(d.type ?? 'text').toLowerCase(),
      metadata: d.metadata ?? {},
      ...(typeof d.messageBody === 'string' ? { message: d.messageBody } : {}),
      ...(typeof d.senderDisplayName === 'string' ? { senderDisplayName: d.senderDisplayName } : {}),
      createdOn: d.composeTime,
      ...extra,
    },
  });
  if (!e.eventType.startsWith(NS)) return null;
  switch (e.eventType.slice(NS.length)) {
    case 'ChatMessageReceived':
      return message('chatMessageReceived', {});
    case 'ChatMessageEdited':
      return message('chatMessageEdited', { editedOn: d.editTime });
    case 'ChatMessageDeleted':
      return message('chatMessageDeleted', { deletedOn: d.deleteTime });
    case 'ChatParticipantAddedToThreadWithUser':
      return {
        type: 'participantsAdded',
        payload: { threadId, addedOn: d.time, participantsAdded: [{ id: user((d.participantAdded as Record<string, unknown>)?.participantCommunicationIdentifier) }] },
      };
    case 'ChatParticipantRemovedFromThreadWithUser':
      return {
        type: 'participantsRemoved',
        payload: { threadId, removedOn: d.time, participantsRemoved: [{ id: user((d.participantRemoved as Record<string, unknown>)?.participantCommunicationIdentifier) }] },
      };
    case 'ChatThreadWithUserDeleted':
      return { type: 'chatThreadDeleted', payload: { threadId, deletedOn: d.deleteTime } };
    default:
      return null;
  }
}

/** What the intake needs of the running bot; `undefined` while it is starting. */
export interface IntakeBot {
  /** The bot's raw id: per-user events addressed to anyone else are ignored. */
  botId: string;
  /** The bot's REST client, to read back what an event claims before acting on it. */
  client: ChatRestClient;
  handle: (frame: RealtimeFrame) => Promise<void>;
}

/**
 * `POST /bot/events`: an Event Grid webhook receiver, for `PARLEY_BOT_EVENTS=webhook` only. Answers
 * the validation handshake (which has no effect); every other delivery must be authenticated with
 * `secret` — a `parley-signature` (parley's backend signs with the subscription's secret) or
 * `Authorization: Bearer <secret>` (a static delivery header of an Azure Event Grid subscription) —
 * else 401. Each event is then only a hint: {@link confirmFrame} reads it back over REST and the
 * listener gets what the backend says. It answers 200 only after the listener took the events in,
 * so a failure is redelivered.
 */
export function eventGridIntakeRoutes(opts: { secret: string; bot: () => IntakeBot | undefined }) {
  // Fail closed: there is no unauthenticated mode.
  if (!opts.secret) throw new Error('eventGridIntakeRoutes needs a secret (PARLEY_WEBHOOK_SECRET)');
  return async (app: FastifyInstance) => {
    app.post('/bot/events', async (request, reply) => {
      const events = request.body as EventGridEvent[] | undefined;
      if (!Array.isArray(events)) throw new ApiError(400, 'BadRequest', 'Expected an Event Grid event array.');
      const validation = events.find((e) => e?.eventType === 'Microsoft.EventGrid.SubscriptionValidationEvent');
      if (validation) return { validationResponse: (validation.data as { validationCode?: string } | undefined)?.validationCode };
      if (!authenticated(opts.secret, request.headers, request.rawBody)) {
        throw new ApiError(401, 'Unauthorized', 'Missing or invalid parley-signature (or Authorization: Bearer <webhook secret>).');
      }
      const bot = opts.bot();
      if (!bot) throw new ApiError(503, 'ServiceUnavailable', 'The bot is still starting.');
      for (const e of events) {
        if (typeof e?.eventType !== 'string' || typeof e.data !== 'object' || e.data === null) continue;
        if (user(e.data.recipientCommunicationIdentifier).communicationUserId !== bot.botId) continue;
        const hint = frameFromEventGrid(e);
        const frame = hint && (await confirmFrame(hint, { client: bot.client, botId: bot.botId }));
        if (frame) await bot.handle(frame);
      }
      return reply.status(200).send();
    });
  };
}

function authenticated(secret: string, headers: IncomingHttpHeaders, rawBody: string): boolean {
  const signature = headers[SIGNATURE_HEADER];
  if (typeof signature === 'string') return verifySignature(secret, signature, rawBody);
  const auth = headers.authorization;
  if (typeof auth !== 'string' || !auth.startsWith('Bearer ')) return false;
  return sameSecret(auth.slice('Bearer '.length).trim(), secret);
}

/** Constant-time comparison (of digests, so the lengths do not leak either). */
function sameSecret(given: string, secret: string): boolean {
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(given), digest(secret));
}
