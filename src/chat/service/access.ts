import { errors } from '../errors.js';
import type { Participant, Thread } from '../model.js';
import type { ChatStore } from '../store/chat-store.js';
import type { HistoryWindow } from '../store/messages-repo.js';

/** A live (not deleted) thread, or 404. */
export function requireThread(store: ChatStore, threadId: string): Thread {
  const thread = store.threads.get(threadId);
  if (!thread || thread.deletedOn !== null) throw errors.notFound(`Thread '${threadId}' was not found.`);
  return thread;
}

/** A current participant may act on the thread; anyone else gets 403. */
export function requireMember(store: ChatStore, thread: Thread, caller: string): Participant {
  const p = store.participants.get(thread.id, caller);
  if (!p || p.removedOn !== null) throw errors.forbidden();
  return p;
}

/**
 * Current and removed participants may read history; a removed one only up to its removal, and
 * everyone only from its `shareHistoryTime` on.
 */
export function readerWindow(store: ChatStore, thread: Thread, caller: string): Omit<HistoryWindow, 'beforeSeq' | 'changedAfter'> {
  const p = store.participants.get(thread.id, caller);
  if (!p) throw errors.forbidden();
  return { maxSeq: p.removedSeq ?? Number.MAX_SAFE_INTEGER, since: p.shareHistoryTime };
}
