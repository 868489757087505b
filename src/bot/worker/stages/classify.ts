import type { WireMessage } from '../../../client/chat-rest-client.js';
import { parseCommand } from '../../decide/commands.js';
import { classifyIncoming } from '../../decide/message-filter.js';
import type { JobMessage, Stage } from './job-context.js';

/**
 * classify: settles which message this is (the job's own, or the backend's current one) and whether
 * the bot handles it: as a message to translate or analyse, as a command, or not at all (the bot's
 * own posts, system messages, an older version, …).
 */
export const classifyStage: Stage = {
  name: 'classify',
  run(ctx) {
    const { data, fetched } = ctx;
    if (fetched && 'failed' in fetched) throw fetched.failed;
    const message = data.message ?? (fetched ? fromWire(fetched) : undefined);
    if (!message) return { outcome: 'skipped: message gone' };
    if (fetched && fetched.version !== data.version) return { outcome: 'skipped: superseded by a newer version' };
    ctx.message = message;
    const decision = classifyIncoming({ type: message.type, senderId: message.senderId, content: message.content, metadata: message.metadata }, ctx.deps.botId);
    if (decision.handle) {
      ctx.format = decision.format;
      return;
    }
    if (decision.reason !== 'command' || data.kind !== 'received') return { outcome: `skipped: ${decision.reason}` };
    const command = parseCommand(message.content, message.type === 'html' ? 'html' : 'text');
    if (!command) return { outcome: 'skipped: not a command' };
    ctx.command = command;
  },
};

/** A message read from the backend, in the shape jobs carry. */
export function fromWire(m: WireMessage): JobMessage {
  return {
    type: m.type,
    content: m.content?.message ?? '',
    senderId: m.senderCommunicationIdentifier?.communicationUser?.id ?? m.senderCommunicationIdentifier?.rawId ?? '',
    senderDisplayName: m.senderDisplayName,
    metadata: m.metadata,
  };
}
