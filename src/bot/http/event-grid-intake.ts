import type { FastifyInstance } from 'fastify';
import type { RealtimeFrame } from '../../client/realtime-connection.js';
import { ApiError } from '../../chat/errors.js';
import { SIGNATURE_HEADER, verifySignature } from '../../webhooks/signature.js';

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

/**
 * `POST /bot/events`: an Event Grid webhook receiver. Answers the validation handshake, checks the
 * `parley-signature` when a secret is configured, and hands each event to the listener; it answers
 * 200 only after the listener took the events in, so a failure is redelivered.
 */
export function eventGridIntakeRoutes(opts: {
  secret?: string;
  handle: (frame: RealtimeFrame) => Promise<void>;
  ready: () => boolean;
  /** The bot's raw id: per-user events addressed to anyone else are ignored. */
  botId: () => string;
}) {
  return async (app: FastifyInstance) => {
    app.post('/bot/events', async (request, reply) => {
      const events = request.body as EventGridEvent[] | undefined;
      if (!Array.isArray(events)) throw new ApiError(400, 'BadRequest', 'Expected an Event Grid event array.');
      const validation = events.find((e) => e.eventType === 'Microsoft.EventGrid.SubscriptionValidationEvent');
      if (validation) return { validationResponse: (validation.data as { validationCode?: string }).validationCode };
      if (opts.secret && !verifySignature(opts.secret, request.headers[SIGNATURE_HEADER] as string | undefined, request.rawBody)) {
        throw new ApiError(401, 'Unauthorized', 'Missing or invalid parley-signature.');
      }
      if (!opts.ready()) throw new ApiError(503, 'ServiceUnavailable', 'The bot is still starting.');
      for (const e of events) {
        if (user(e.data.recipientCommunicationIdentifier).communicationUserId !== opts.botId()) continue;
        const frame = frameFromEventGrid(e);
        if (frame) await opts.handle(frame);
      }
      return reply.status(200).send();
    });
  };
}
