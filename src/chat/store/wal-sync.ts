import fs from 'node:fs';

/**
 * Group commit for the SQLite store. The database runs in WAL mode with `synchronous=NORMAL`, so a
 * commit only writes its frames to the `-wal` file (no fsync on the event loop); `durable()` then
 * waits for an `fdatasync` of that file which started after the write, run on libuv's thread pool.
 * Writes are counted with SQLite's `total_changes()`, so a caller waits only when something was
 * written since the last sync started. Every write made while one sync is running shares the next
 * one, so under load many commits cost one fsync, and none of them blocks the event loop for it.
 *
 * This is what `synchronous=FULL` does per commit (sync the WAL after writing the commit frame),
 * done once per batch instead: checkpoints and WAL resets are still synced by SQLite itself
 * (NORMAL syncs the WAL before a checkpoint, the database after it, and the WAL header on reuse).
 * SQLite keeps the `-wal` file while a connection is open (it rewinds it, never unlinks it), and takes
 * no POSIX locks on it, so holding a second descriptor to it is safe.
 */
export class WalSync {
  private fd: number | undefined;
  private waiting: Array<{ upTo: number; resolve: () => void; reject: (err: Error) => void }> = [];
  private syncing = false;
  private closed = false;
  /** Writes known to be on disk: the change count when the last successful sync started. */
  private syncedUpTo: number;

  /**
   * Set for good by a failed fdatasync (fail-stop, as databases do): Linux may drop the dirty pages
   * after a failed fsync, so a later one "succeeds" without them, and WAL frames after a lost one
   * are unreadable at recovery too. No write is reported durable after that; restart the process.
   */
  private failure: Error | undefined;

  /** Syncs run so far. */
  syncs = 0;

  /**
   * @param walFile the database's `-wal` file
   * @param changes the connection's running count of written rows (SQLite `total_changes()`)
   */
  constructor(
    private readonly walFile: string,
    private readonly changes: () => number,
  ) {
    this.syncedUpTo = changes();
  }

  /** Resolves once every write made before the call is on disk; at once when nothing was written since. */
  durable(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const upTo = this.changes();
    if (this.closed || upTo <= this.syncedUpTo) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ upTo, resolve, reject });
      this.kick();
    });
  }

  /** Whether every write so far is known on disk (false after a failed sync). */
  synced(): boolean {
    return !this.failure && (this.closed || this.changes() <= this.syncedUpTo);
  }

  /** The failed sync that stopped this store from taking writes, if one did. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Waits for the syncs in flight, then releases the file. Later `durable()` calls resolve at once. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.durable().catch(() => undefined);
    this.closed = true;
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private kick(): void {
    if (this.syncing || this.waiting.length === 0) return;
    // Everything written before this point is covered by the sync about to start.
    const upTo = this.changes();
    this.syncing = true;
    const done = (err: NodeJS.ErrnoException | null, sticky = true) => {
      this.syncing = false;
      this.syncs += 1;
      if (!err) this.syncedUpTo = Math.max(this.syncedUpTo, upTo);
      else if (sticky) this.failure = syncError(err);
      // After a failure every waiter is answered with it; otherwise those this sync covered.
      const covered = err ? this.waiting : this.waiting.filter((w) => w.upTo <= upTo);
      this.waiting = err ? [] : this.waiting.filter((w) => w.upTo > upTo);
      for (const w of covered) {
        if (err) w.reject(this.failure ?? syncError(err));
        else w.resolve();
      }
      this.kick();
    };
    try {
      // SQLite unlinks the WAL only when the last connection closes; should another process's
      // connection ever have been last, follow the new file rather than sync an orphan.
      if (this.fd !== undefined && fs.fstatSync(this.fd).nlink === 0) {
        fs.closeSync(this.fd);
        this.fd = undefined;
      }
      this.fd ??= fs.openSync(this.walFile, 'r');
    } catch (err) {
      // Could not open the WAL (too many open files, say): these writes are not known durable,
      // but nothing was lost either, so later ones may still be.
      done(err as NodeJS.ErrnoException, false);
      return;
    }
    fs.fdatasync(this.fd, done);
  }
}

const syncError = (err: NodeJS.ErrnoException) => new Error(`could not sync the chat store to disk: ${err.code ?? err.message}`);
