import { openDb, type Db } from './db.js';
import { IdentitiesRepo } from './identities-repo.js';
import { MessagesRepo } from './messages-repo.js';
import { ParticipantsRepo } from './participants-repo.js';
import { ReceiptsRepo } from './receipts-repo.js';
import { ThreadsRepo } from './threads-repo.js';

/** All repositories over one SQLite database; `transaction` makes a group of writes atomic. */
export class ChatStore {
  readonly identities: IdentitiesRepo;
  readonly threads: ThreadsRepo;
  readonly participants: ParticipantsRepo;
  readonly messages: MessagesRepo;
  readonly receipts: ReceiptsRepo;

  constructor(readonly db: Db) {
    this.identities = new IdentitiesRepo(db);
    this.threads = new ThreadsRepo(db);
    this.participants = new ParticipantsRepo(db);
    this.messages = new MessagesRepo(db);
    this.receipts = new ReceiptsRepo(db);
  }

  static open(file: string): ChatStore {
    return new ChatStore(openDb(file));
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
