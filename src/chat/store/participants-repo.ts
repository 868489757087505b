import type { Db } from './db.js';
import { fromJson, toJson } from './json.js';
import type { Metadata, Participant, ThreadSnapshot } from '../model.js';

interface Row {
  thread_id: string;
  user_id: string;
  display_name: string | null;
  share_history_time: number;
  metadata: string | null;
  added_on: number;
  removed_on: number | null;
  removed_seq: number | null;
  removed_view: string | null;
}

const toParticipant = (r: Row): Participant => ({
  threadId: r.thread_id,
  userId: r.user_id,
  displayName: r.display_name,
  shareHistoryTime: r.share_history_time,
  metadata: fromJson<Metadata>(r.metadata),
  addedOn: r.added_on,
  removedOn: r.removed_on,
  removedSeq: r.removed_seq,
  removedView: fromJson<ThreadSnapshot>(r.removed_view),
});

/** Thread membership, current and past (a removed row keeps `removedOn`/`removedSeq`). */
export class ParticipantsRepo {
  private readonly getStmt;
  private readonly upsertStmt;
  private readonly removeStmt;
  private readonly currentStmt;
  private readonly pageStmt;
  private readonly countStmt;
  private readonly removedReaderStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<[string, string], Row>('SELECT * FROM participants WHERE thread_id = ? AND user_id = ?');
    this.upsertStmt = db.prepare(
      `INSERT INTO participants (thread_id, user_id, display_name, share_history_time, metadata, added_on)
       VALUES (@threadId, @userId, @displayName, @shareHistoryTime, @metadata, @addedOn)
       ON CONFLICT (thread_id, user_id) DO UPDATE SET display_name = excluded.display_name,
         share_history_time = excluded.share_history_time, metadata = excluded.metadata,
         added_on = excluded.added_on, removed_on = NULL, removed_seq = NULL, removed_view = NULL`,
    );
    this.removeStmt = db.prepare(
      'UPDATE participants SET removed_on = ?, removed_seq = ?, removed_view = ? WHERE thread_id = ? AND user_id = ? AND removed_on IS NULL',
    );
    this.removedReaderStmt = db.prepare<[string, number], { n: number }>(
      'SELECT 1 AS n FROM participants WHERE thread_id = ? AND removed_on IS NOT NULL AND removed_seq >= ? LIMIT 1',
    );
    this.currentStmt = db.prepare<[string], Row>(
      'SELECT * FROM participants WHERE thread_id = ? AND removed_on IS NULL ORDER BY added_on, user_id',
    );
    this.pageStmt = db.prepare<[string, number, number], Row>(
      'SELECT * FROM participants WHERE thread_id = ? AND removed_on IS NULL ORDER BY added_on, user_id LIMIT ? OFFSET ?',
    );
    this.countStmt = db.prepare<[string], { n: number }>(
      'SELECT COUNT(*) AS n FROM participants WHERE thread_id = ? AND removed_on IS NULL',
    );
  }

  get(threadId: string, userId: string): Participant | undefined {
    const row = this.getStmt.get(threadId, userId);
    return row && toParticipant(row);
  }

  /** Adds a participant, or re-adds one that was removed. */
  add(p: Omit<Participant, 'removedOn' | 'removedSeq' | 'removedView'>): void {
    this.upsertStmt.run({ ...p, metadata: toJson(p.metadata) });
  }

  /** `at` is the removal's change stamp; `view` the thread as the removed participant keeps seeing it. */
  remove(threadId: string, userId: string, at: number, seq: number, view: ThreadSnapshot): boolean {
    return this.removeStmt.run(at, seq, JSON.stringify(view), threadId, userId).changes > 0;
  }

  /** Whether a removed participant can still read the message at `seq` (so its edits must be kept). */
  hasRemovedReaderOf(threadId: string, seq: number): boolean {
    return this.removedReaderStmt.get(threadId, seq) !== undefined;
  }

  current(threadId: string): Participant[] {
    return this.currentStmt.all(threadId).map(toParticipant);
  }

  page(threadId: string, limit: number, skip: number): Participant[] {
    return this.pageStmt.all(threadId, limit, skip).map(toParticipant);
  }

  count(threadId: string): number {
    return this.countStmt.get(threadId)!.n;
  }
}
