import { openDb, type Db } from './db.js';
import { IdentitiesRepo } from './identities-repo.js';
import { MessagesRepo } from './messages-repo.js';
import { ParticipantsRepo } from './participants-repo.js';
import { ReceiptsRepo } from './receipts-repo.js';
import { RevisionsRepo } from './revisions-repo.js';
import { ThreadsRepo } from './threads-repo.js';
import { WalSync } from './wal-sync.js';

/** All repositories over one SQLite database; `transaction` makes a group of writes atomic. */
export class ChatStore {
  readonly identities: IdentitiesRepo;
  readonly threads: ThreadsRepo;
  readonly participants: ParticipantsRepo;
  readonly messages: MessagesRepo;
  readonly receipts: ReceiptsRepo;
  readonly revisions: RevisionsRepo;

  /** Group commit for a file-backed store; absent for `:memory:` (nothing to make durable). */
  readonly walSync: WalSync | undefined;

  constructor(readonly db: Db) {
    if (!db.memory) {
      const totalChanges = db.prepare('SELECT total_changes()').pluck();
      // The WAL is named after the database file as SQLite opened it (symlinks resolved).
      const main = (db.pragma('database_list') as Array<{ name: string; file: string }>).find((d) => d.name === 'main')!;
      this.walSync = new WalSync(`${main.file}-wal`, () => totalChanges.get() as number);
    }
    this.identities = new IdentitiesRepo(db);
    this.threads = new ThreadsRepo(db);
    this.participants = new ParticipantsRepo(db);
    this.messages = new MessagesRepo(db);
    this.receipts = new ReceiptsRepo(db);
    this.revisions = new RevisionsRepo(db);
  }

  static open(file: string): ChatStore {
    return new ChatStore(openDb(file));
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Resolves once every commit made before the call is on disk (one shared fsync per batch). */
  durable(): Promise<void> {
    return this.walSync ? this.walSync.durable() : Promise.resolve();
  }

  /** Waits for the syncs in flight, then closes the database. */
  async close(): Promise<void> {
    await this.walSync?.close();
    if (this.db.open) this.db.close();
  }
}
