import type { Db } from './db.js';
import { fromJson, toJson } from './json.js';
import type { MessageContent, MessageRevision, Metadata } from '../model.js';

interface Row {
  replaced_at: number;
  content: string;
  metadata: string | null;
  edited_on: number | null;
  version: string;
}

/**
 * Earlier states of edited messages, for removed participants: each keeps reading a message as it
 * was at its removal. Written only while such a reader exists; gone with the message's deletion.
 */
export class RevisionsRepo {
  private readonly insertStmt;
  private readonly atStmt;
  private readonly deleteStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT OR IGNORE INTO message_revisions (thread_id, id, replaced_at, content, metadata, edited_on, version)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.atStmt = db.prepare<[string, string, number], Row>(
      'SELECT * FROM message_revisions WHERE thread_id = ? AND id = ? AND replaced_at > ? ORDER BY replaced_at LIMIT 1',
    );
    this.deleteStmt = db.prepare('DELETE FROM message_revisions WHERE thread_id = ? AND id = ?');
  }

  /** Keeps the state a message had until `r.replacedAt`. */
  put(threadId: string, id: string, r: MessageRevision): void {
    this.insertStmt.run(threadId, id, r.replacedAt, JSON.stringify(r.content), toJson(r.metadata), r.editedOn, r.version);
  }

  /** The state the message had at the instant `at` (a change stamp), if it has changed since. */
  at(threadId: string, id: string, at: number): MessageRevision | undefined {
    const r = this.atStmt.get(threadId, id, at);
    return (
      r && {
        replacedAt: r.replaced_at,
        content: fromJson<MessageContent>(r.content) ?? {},
        metadata: fromJson<Metadata>(r.metadata),
        editedOn: r.edited_on,
        version: r.version,
      }
    );
  }

  deleteFor(threadId: string, id: string): void {
    this.deleteStmt.run(threadId, id);
  }
}
