import { errors } from '../errors.js';
import type { Participant, Thread, ThreadSnapshot } from '../model.js';
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

/** What a reader may see of a thread: its history window, and for a removed participant its frozen view. */
export interface ReaderWindow extends Omit<HistoryWindow, 'beforeSeq' | 'changedAfter'> {
  /** The removal's change stamp; `null` for a current participant. */
  horizon: number | null;
  /** The thread as it was at the removal; `null` for a current participant. */
  view: ThreadSnapshot | null;
}

/**
 * Current and removed participants may read history; a removed one only up to its removal (and as
 * it was then), and everyone only from its `shareHistoryTime` on.
 */
export function readerWindow(store: ChatStore, thread: Thread, caller: string): ReaderWindow {
  const p = store.participants.get(thread.id, caller);
  if (!p) throw errors.forbidden();
  return {
    maxSeq: p.removedSeq ?? Number.MAX_SAFE_INTEGER,
    since: p.shareHistoryTime,
    horizon: p.removedOn,
    view: p.removedOn === null ? null : p.removedView,
  };
}
