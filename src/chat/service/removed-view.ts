import type { Message, MessageRevision, Thread, ThreadSnapshot } from '../model.js';

/**
 * What a removed participant sees (design.md §4: "history up to their removal, nothing newer"): the
 * thread and its messages frozen at the removal. Pure; the service supplies the stored snapshot and
 * revisions.
 */

/** The snapshot taken at a removal. */
export const snapshotOf = (t: Thread): ThreadSnapshot => ({
  topic: t.topic,
  metadata: t.metadata,
  retention: t.retention,
  lastMessageOn: t.lastMessageOn,
});

/** The thread with the properties it had when the participant was removed. */
export function threadAsSeen(thread: Thread, view: ThreadSnapshot | null): Thread {
  return view ? { ...thread, ...view } : thread;
}

/**
 * The message as it was at `horizon`, or `null` when the reader sees nothing of it: deleted after
 * the removal (a deletion is honoured, without telling when it happened), or edited after it with no
 * earlier state kept (history written before revisions were).
 */
export function messageAsSeen(m: Message, horizon: number, revisionAt: (at: number) => MessageRevision | undefined): Message | null {
  if (m.deletedOn !== null) return m.deletedOn <= horizon ? m : null;
  if (m.editedOn === null || m.editedOn <= horizon) return m;
  const r = revisionAt(horizon);
  return r ? { ...m, content: r.content, metadata: r.metadata, editedOn: r.editedOn, version: r.version } : null;
}

/** Whether the message (as seen) changed after `after`: the `startTime` filter of listMessages. */
export const changedAfter = (m: Message, after: number): boolean =>
  m.createdOn > after || (m.editedOn ?? -Infinity) > after || (m.deletedOn ?? -Infinity) > after;

/**
 * One page of history, newest first, as a reader sees it. `fetch` reads stored rows (seq below
 * `beforeSeq`, changed after `startTime` as stored); `seen` maps a row to what the reader sees, or
 * hides it. Rows hidden or no longer changed after `startTime` once seen are skipped, fetching on
 * until the page is full or history ends, so paging stays exact (`nextBeforeSeq` = last seq shown).
 */
export function pageAsSeen(
  fetch: (beforeSeq: number, limit: number) => Message[],
  seen: (m: Message) => Message | null,
  opts: { limit: number; startTime: number; beforeSeq: number },
): { messages: Message[]; nextBeforeSeq: number | null } {
  const out: Message[] = [];
  let before = opts.beforeSeq;
  for (;;) {
    const rows = fetch(before, opts.limit + 1);
    for (const row of rows) {
      const m = seen(row);
      if (m && changedAfter(m, opts.startTime)) out.push(m);
    }
    const last = rows[rows.length - 1];
    if (out.length > opts.limit || rows.length <= opts.limit || !last) break;
    before = last.seq;
  }
  const messages = out.slice(0, opts.limit);
  const last = messages[messages.length - 1];
  return { messages, nextBeforeSeq: out.length > opts.limit && last ? last.seq : null };
}
