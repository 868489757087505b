import type { Db } from './db.js';

export interface Identity {
  id: string;
  createdOn: number;
  deletedOn: number | null;
  /** Bumped by revoke: tokens carrying an older generation are refused. */
  tokenGeneration: number;
}

interface Row {
  id: string;
  created_on: number;
  deleted_on: number | null;
  token_generation: number;
}

const toIdentity = (r: Row): Identity => ({
  id: r.id,
  createdOn: r.created_on,
  deletedOn: r.deleted_on,
  tokenGeneration: r.token_generation,
});

/** Identities (ACS users) and their token generation, for revocation. */
export class IdentitiesRepo {
  private readonly getStmt;
  private readonly insertStmt;
  private readonly revokeStmt;
  private readonly deleteStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<[string], Row>('SELECT * FROM identities WHERE id = ?');
    this.insertStmt = db.prepare('INSERT INTO identities (id, created_on) VALUES (?, ?)');
    this.revokeStmt = db.prepare('UPDATE identities SET token_generation = token_generation + 1 WHERE id = ? AND deleted_on IS NULL');
    this.deleteStmt = db.prepare(
      'UPDATE identities SET deleted_on = ?, token_generation = token_generation + 1 WHERE id = ? AND deleted_on IS NULL',
    );
  }

  get(id: string): Identity | undefined {
    const row = this.getStmt.get(id);
    return row && toIdentity(row);
  }

  create(id: string, now: number): Identity {
    this.insertStmt.run(id, now);
    return { id, createdOn: now, deletedOn: null, tokenGeneration: 0 };
  }

  /** Returns false when the identity does not exist or is deleted. */
  revoke(id: string): boolean {
    return this.revokeStmt.run(id).changes > 0;
  }

  delete(id: string, now: number): boolean {
    return this.deleteStmt.run(now, id).changes > 0;
  }
}
