import Database from 'better-sqlite3';
import path from 'node:path';
import { privateDir, privateFiles, touchPrivate } from '../../lib/private-files.js';

export type Db = Database.Database;

const MIGRATIONS: string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE identities (
     id TEXT PRIMARY KEY, created_on INTEGER NOT NULL, deleted_on INTEGER, token_generation INTEGER NOT NULL DEFAULT 0);
   CREATE TABLE threads (
     id TEXT PRIMARY KEY, topic TEXT NOT NULL, created_on INTEGER NOT NULL, created_by TEXT NOT NULL,
     metadata TEXT, retention TEXT, deleted_on INTEGER, last_message_on INTEGER,
     last_activity INTEGER NOT NULL, last_seq INTEGER NOT NULL DEFAULT 0);
   CREATE TABLE participants (
     thread_id TEXT NOT NULL REFERENCES threads(id) ON DELETE CASCADE, user_id TEXT NOT NULL,
     display_name TEXT, share_history_time INTEGER NOT NULL DEFAULT 0, metadata TEXT, added_on INTEGER NOT NULL,
     removed_on INTEGER, removed_seq INTEGER, PRIMARY KEY (thread_id, user_id));
   CREATE INDEX participants_by_user ON participants(user_id);
   CREATE TABLE messages (
     thread_id TEXT NOT NULL REFERENCES threads(id) ON DELETE CASCADE, id TEXT NOT NULL, seq INTEGER NOT NULL,
     type TEXT NOT NULL, sender_id TEXT, sender_display_name TEXT, content TEXT NOT NULL, metadata TEXT,
     created_on INTEGER NOT NULL, edited_on INTEGER, deleted_on INTEGER, version TEXT NOT NULL,
     PRIMARY KEY (thread_id, id));
   CREATE UNIQUE INDEX messages_by_seq ON messages(thread_id, seq);
   CREATE TABLE read_receipts (
     thread_id TEXT NOT NULL REFERENCES threads(id) ON DELETE CASCADE, user_id TEXT NOT NULL,
     message_id TEXT NOT NULL, read_on INTEGER NOT NULL, PRIMARY KEY (thread_id, user_id));
   CREATE TABLE idempotency (
     caller TEXT NOT NULL, key TEXT NOT NULL, thread_id TEXT NOT NULL, created_on INTEGER NOT NULL,
     PRIMARY KEY (caller, key));`,
  `CREATE TABLE webhook_subscriptions (
     id TEXT PRIMARY KEY, name TEXT NOT NULL, endpoint_url TEXT NOT NULL, event_types TEXT, secret TEXT NOT NULL,
     created_on INTEGER NOT NULL);
   CREATE TABLE webhook_outbox (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions(id) ON DELETE CASCADE,
     order_key TEXT NOT NULL, event_id TEXT NOT NULL, event_type TEXT NOT NULL, envelope TEXT NOT NULL,
     status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL,
     created_on INTEGER NOT NULL, last_error TEXT);
   CREATE INDEX webhook_outbox_heads ON webhook_outbox(status, subscription_id, order_key, id);`,
  // A removed participant's view is frozen at its removal: the thread's properties then, and the
  // earlier states of messages edited since (kept only while such a reader exists).
  `ALTER TABLE participants ADD COLUMN removed_view TEXT;
   CREATE TABLE message_revisions (
     thread_id TEXT NOT NULL REFERENCES threads(id) ON DELETE CASCADE, id TEXT NOT NULL, replaced_at INTEGER NOT NULL,
     content TEXT NOT NULL, metadata TEXT, edited_on INTEGER, version TEXT NOT NULL,
     PRIMARY KEY (thread_id, id, replaced_at));`,
];

/**
 * Opens (creating if needed) the chat store. `:memory:` for unit tests, otherwise a file under the
 * data directory in WAL mode with `synchronous=NORMAL`: a commit survives `kill -9` at once, and
 * power loss once {@link ChatStore.durable} resolved (a group fsync of the WAL, see `wal-sync.ts`).
 */
export function openDb(file: string): Db {
  if (file !== ':memory:') {
    // Every message lives here: owner-only. SQLite gives the -wal and -shm files the database
    // file's mode, so creating it 0600 first covers them; older stores are tightened in place.
    privateDir(path.dirname(file));
    touchPrivate(file);
    privateFiles(`${file}-wal`, `${file}-shm`);
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Deleted messages and replaced secrets are overwritten where that costs no extra I/O, rather than
  // lingering in free space of the file.
  db.pragma('secure_delete = FAST');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

/** Reads a value from the `meta` table, creating it with `make()` the first time. */
export function metaValue(db: Db, key: string, make: () => string): string {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  if (row) return row.value;
  const value = make();
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(key, value);
  return value;
}
