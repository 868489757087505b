import type { Db } from './db.js';
import { fromJson, toJson } from './json.js';
import type { Message, MessageContent, MessageType, Metadata } from '../model.js';

interface Row {
  thread_id: string;
  id: string;
  seq: number;
  type: string;
  sender_id: string | null;
  sender_display_name: string | null;
  content: string;
  metadata: string | null;
  created_on: number;
  edited_on: number | null;
  deleted_on: number | null;
  version: string;
}

const toMessage = (r: Row): Message => ({
  threadId: r.thread_id,
  id: r.id,
  seq: r.seq,
  type: r.type as MessageType,
  senderId: r.sender_id,
  senderDisplayName: r.sender_display_name,
  content: fromJson<MessageContent>(r.content) ?? {},
  metadata: fromJson<Metadata>(r.metadata),
  createdOn: r.created_on,
  editedOn: r.edited_on,
  deletedOn: r.deleted_on,
  version: r.version,
});

/** What a reader may see of a thread's history: a window of sequence ids and creation times. */
export interface HistoryWindow {
  /** Only messages with `seq` below this (the next-page cursor). */
  beforeSeq: number;
  /** Only messages up to and including this sequence id (a removed participant's horizon). */
  maxSeq: number;
  /** Only messages created at or after this time (the reader's shareHistoryTime). */
  since: number;
  /**
   * Only messages created, edited or deleted strictly after this time (the list's `startTime`), so a
   * client that resumes from the time of the last change it saw gets every change since, once.
   */
  changedAfter: number;
}

export class MessagesRepo {
  private readonly getStmt;
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly deleteStmt;
  private readonly pageStmt;
  private readonly latestStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<[string, string], Row>('SELECT * FROM messages WHERE thread_id = ? AND id = ?');
    this.insertStmt = db.prepare(
      `INSERT INTO messages (thread_id, id, seq, type, sender_id, sender_display_name, content, metadata, created_on, version)
       VALUES (@threadId, @id, @seq, @type, @senderId, @senderDisplayName, @content, @metadata, @createdOn, @version)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE messages SET content = @content, metadata = @metadata, edited_on = @editedOn, version = @version
       WHERE thread_id = @threadId AND id = @id`,
    );
    this.deleteStmt = db.prepare('UPDATE messages SET deleted_on = ? WHERE thread_id = ? AND id = ? AND deleted_on IS NULL');
    this.pageStmt = db.prepare<[string, number, number, number, number, number, number, number], Row>(
      `SELECT * FROM messages WHERE thread_id = ? AND seq < ? AND seq <= ? AND created_on >= ?
         AND (created_on > ? OR edited_on > ? OR deleted_on > ?)
       ORDER BY seq DESC LIMIT ?`,
    );
    this.latestStmt = db.prepare<[], { n: number | null }>(
      `SELECT MAX(MAX(CAST(id AS INTEGER)), MAX(CAST(version AS INTEGER)), COALESCE(MAX(deleted_on), 0)) AS n FROM messages`,
    );
  }

  /** The newest id or change stamp (version, deletion) of any message; 0 when there are none. */
  latestStamp(): number {
    return this.latestStmt.get()?.n ?? 0;
  }

  get(threadId: string, id: string): Message | undefined {
    const row = this.getStmt.get(threadId, id);
    return row && toMessage(row);
  }

  insert(m: Omit<Message, 'editedOn' | 'deletedOn'>): void {
    this.insertStmt.run({ ...m, content: JSON.stringify(m.content), metadata: toJson(m.metadata) });
  }

  update(m: Pick<Message, 'threadId' | 'id' | 'content' | 'metadata' | 'editedOn' | 'version'>): void {
    this.updateStmt.run({ ...m, content: JSON.stringify(m.content), metadata: toJson(m.metadata) });
  }

  markDeleted(threadId: string, id: string, now: number): boolean {
    return this.deleteStmt.run(now, threadId, id).changes > 0;
  }

  /** Newest first. */
  page(threadId: string, window: HistoryWindow, limit: number): Message[] {
    const { beforeSeq, maxSeq, since, changedAfter: after } = window;
    return this.pageStmt.all(threadId, beforeSeq, maxSeq, since, after, after, after, limit).map(toMessage);
  }
}
