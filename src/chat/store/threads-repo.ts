import type { Db } from './db.js';
import { fromJson, toJson } from './json.js';
import type { Metadata, RetentionPolicy, Thread, ThreadSnapshot } from '../model.js';

interface Row {
  id: string;
  topic: string;
  created_on: number;
  created_by: string;
  metadata: string | null;
  retention: string | null;
  deleted_on: number | null;
  last_message_on: number | null;
  last_activity: number;
  last_seq: number;
}

const toThread = (r: Row): Thread => ({
  id: r.id,
  topic: r.topic,
  createdOn: r.created_on,
  createdBy: r.created_by,
  metadata: fromJson<Metadata>(r.metadata),
  retention: fromJson<RetentionPolicy>(r.retention),
  deletedOn: r.deleted_on,
  lastMessageOn: r.last_message_on,
  lastActivity: r.last_activity,
  lastSeq: r.last_seq,
});

/** Keyset cursor for listing a user's threads, newest activity first. */
export interface ThreadCursor {
  t: number;
  id: string;
}

export class ThreadsRepo {
  private readonly getStmt;
  private readonly insertStmt;
  private readonly nextSeqStmt;
  private readonly updateStmt;
  private readonly deleteStmt;
  private readonly purgeStmt;
  private readonly purgeKeysStmt;
  private readonly listStmt;
  private readonly sweepStmt;
  private readonly idemGetStmt;
  private readonly idemPutStmt;
  private readonly lastMessageStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<[string], Row>('SELECT * FROM threads WHERE id = ?');
    this.insertStmt = db.prepare(
      `INSERT INTO threads (id, topic, created_on, created_by, metadata, retention, last_activity)
       VALUES (@id, @topic, @createdOn, @createdBy, @metadata, @retention, @createdOn)`,
    );
    this.nextSeqStmt = db.prepare<[number, string], { last_seq: number }>(
      'UPDATE threads SET last_seq = last_seq + 1, last_activity = ? WHERE id = ? RETURNING last_seq',
    );
    this.updateStmt = db.prepare(
      `UPDATE threads SET topic = @topic, metadata = @metadata, retention = @retention WHERE id = @id`,
    );
    this.deleteStmt = db.prepare('UPDATE threads SET deleted_on = ? WHERE id = ? AND deleted_on IS NULL');
    this.purgeStmt = db.prepare('DELETE FROM threads WHERE id = ?');
    this.purgeKeysStmt = db.prepare('DELETE FROM idempotency WHERE thread_id = ?');
    this.lastMessageStmt = db.prepare('UPDATE threads SET last_message_on = ? WHERE id = ?');
    // A user's threads: those where the user is or was a participant (removed ones keep read access).
    // A removed participant sees the thread as it was at the removal (`removed_view`): it is ordered
    // by its last message then, and a thread deleted after the removal is gone from its list.
    this.listStmt = db.prepare<[string, number, number, number, string, number], Row & { removed_view: string | null }>(
      `SELECT * FROM (
         SELECT t.*, p.removed_view, COALESCE(CASE WHEN p.removed_on IS NULL THEN t.last_message_on
           ELSE json_extract(p.removed_view, '$.lastMessageOn') END, t.created_on) AS k
         FROM threads t JOIN participants p ON p.thread_id = t.id AND p.user_id = ?
         WHERE p.removed_on IS NULL OR t.deleted_on IS NULL OR t.deleted_on <= p.removed_on)
       WHERE k >= ? AND (k < ? OR (k = ? AND id < ?))
       ORDER BY k DESC, id DESC LIMIT ?`,
    );
    this.sweepStmt = db.prepare<[], Row>('SELECT * FROM threads');
    this.idemGetStmt = db.prepare<[string, string], { thread_id: string }>(
      'SELECT thread_id FROM idempotency WHERE caller = ? AND key = ?',
    );
    this.idemPutStmt = db.prepare('INSERT INTO idempotency (caller, key, thread_id, created_on) VALUES (?, ?, ?, ?)');
  }

  get(id: string): Thread | undefined {
    const row = this.getStmt.get(id);
    return row && toThread(row);
  }

  insert(t: Pick<Thread, 'id' | 'topic' | 'createdOn' | 'createdBy' | 'metadata' | 'retention'>): void {
    this.insertStmt.run({ ...t, metadata: toJson(t.metadata), retention: toJson(t.retention) });
  }

  /** Allocates the thread's next sequence id and marks activity. */
  nextSeq(id: string, now: number): number {
    return this.nextSeqStmt.get(now, id)!.last_seq;
  }

  setLastMessageOn(id: string, at: number): void {
    this.lastMessageStmt.run(at, id);
  }

  update(t: Pick<Thread, 'id' | 'topic' | 'metadata' | 'retention'>): void {
    this.updateStmt.run({ id: t.id, topic: t.topic, metadata: toJson(t.metadata), retention: toJson(t.retention) });
  }

  markDeleted(id: string, now: number): boolean {
    return this.deleteStmt.run(now, id).changes > 0;
  }

  /** Removes the thread and, by cascade, everything in it; its repeatability ids become free again. */
  purge(id: string): void {
    this.purgeKeysStmt.run(id);
    this.purgeStmt.run(id);
  }

  /** The user's threads, newest activity first, each with the removed participant's view if any. */
  listForUser(userId: string, since: number, cursor: ThreadCursor | null, limit: number): Array<{ thread: Thread; removedView: ThreadSnapshot | null }> {
    const before = cursor ? cursor.t : Number.MAX_SAFE_INTEGER;
    const beforeId = cursor ? cursor.id : '';
    return this.listStmt
      .all(userId, since, before, before, beforeId, limit)
      .map((r) => ({ thread: toThread(r), removedView: fromJson<ThreadSnapshot>(r.removed_view) }));
  }

  all(): Thread[] {
    return this.sweepStmt.all().map(toThread);
  }

  idempotentThreadId(caller: string, key: string): string | undefined {
    return this.idemGetStmt.get(caller, key)?.thread_id;
  }

  rememberIdempotent(caller: string, key: string, threadId: string, now: number): void {
    this.idemPutStmt.run(caller, key, threadId, now);
  }

}
