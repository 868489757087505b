/**
 * Real-time frames (README "Real-time notifications") turned into the SDK's own shapes, so live
 * updates and REST pages go through the same store and fold.
 */
import type { ChatMessage } from '@azure/communication-chat';
import type { Frame } from './live.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const date = (v: unknown): Date | undefined => (typeof v === 'string' && v ? new Date(v) : undefined);

/** A message event as an SDK `ChatMessage` (deleted ones carry `deletedOn` and no text). */
export function messageFromFrame(frame: Frame): ChatMessage | undefined {
  const p = frame.payload;
  if (!str(p.threadId) || !str(p.id)) return undefined;
  const sender = p.sender as ChatMessage['sender'];
  const metadata = typeof p.metadata === 'object' && p.metadata !== null ? (p.metadata as Record<string, string>) : undefined;
  return {
    id: str(p.id),
    type: (str(p.type) || 'text') as ChatMessage['type'],
    sequenceId: str(p.sequenceId),
    version: str(p.version),
    content: frame.type === 'chatMessageDeleted' ? undefined : { message: str(p.message) },
    senderDisplayName: str(p.senderDisplayName),
    createdOn: date(p.createdOn) ?? new Date(),
    sender,
    editedOn: date(p.editedOn),
    deletedOn: date(p.deletedOn),
    metadata,
  };
}

/** The raw id inside an identifier object of a frame. */
export function rawIdOf(v: unknown): string {
  if (typeof v !== 'object' || v === null) return '';
  const o = v as { rawId?: unknown; communicationUserId?: unknown; id?: unknown };
  return str(o.rawId) || str(o.communicationUserId) || str(o.id);
}
