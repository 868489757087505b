import type { Db } from './db.js';
import type { ReadReceipt } from '../model.js';

interface Row {
  thread_id: string;
  user_id: string;
  message_id: string;
  read_on: number;
}

/** The latest read receipt of each participant of a thread. */
export class ReceiptsRepo {
  private readonly upsertStmt;
  private readonly pageStmt;

  constructor(db: Db) {
    // Keep the receipt for the newest message read; message ids are epoch-ms strings of equal length.
    this.upsertStmt = db.prepare(
      `INSERT INTO read_receipts (thread_id, user_id, message_id, read_on) VALUES (?, ?, ?, ?)
       ON CONFLICT (thread_id, user_id) DO UPDATE SET message_id = excluded.message_id, read_on = excluded.read_on
       WHERE CAST(excluded.message_id AS INTEGER) >= CAST(read_receipts.message_id AS INTEGER)`,
    );
    this.pageStmt = db.prepare<[string, number, number], Row>(
      `SELECT r.* FROM read_receipts r JOIN participants p ON p.thread_id = r.thread_id AND p.user_id = r.user_id
       WHERE r.thread_id = ? AND p.removed_on IS NULL ORDER BY r.read_on DESC, r.user_id LIMIT ? OFFSET ?`,
    );
  }

  put(r: ReadReceipt): void {
    this.upsertStmt.run(r.threadId, r.userId, r.messageId, r.readOn);
  }

  page(threadId: string, limit: number, skip: number): ReadReceipt[] {
    return this.pageStmt
      .all(threadId, limit, skip)
      .map((r) => ({ threadId: r.thread_id, userId: r.user_id, messageId: r.message_id, readOn: r.read_on }));
  }
}
