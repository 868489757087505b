import fs from 'node:fs';

/** Owner-only modes for the data directory and what it holds. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Thrown when a data path cannot be made owner-only (another user's directory, say). */
export class PrivatePathError extends Error {
  readonly code = 'DATA_DIR_NOT_PRIVATE';
  constructor(readonly path: string, cause: unknown) {
    super(
      `${path} is readable by other users and cannot be made owner-only (${cause instanceof Error ? cause.message : String(cause)}); ` +
        'run parley as the owner of PARLEY_DATA_DIR, or point PARLEY_DATA_DIR at a directory this user owns.',
    );
    this.name = 'PrivatePathError';
  }
}

function restrict(target: string, mode: number): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if ((stat.mode & 0o777) === mode) return;
  try {
    fs.chmodSync(target, mode);
  } catch (err) {
    // Tighter than asked (say 0400) is fine; looser and not ours to change is not.
    if ((stat.mode & 0o077) !== 0) throw new PrivatePathError(target, err);
  }
}

/**
 * Creates `dir` (and parents) if needed and makes it owner-only (0700), also when it already
 * existed with wider permissions (data directories made by older versions).
 */
export function privateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  restrict(dir, PRIVATE_DIR_MODE);
}

/** Makes the files that exist among `files` owner-only (0600); missing ones are skipped. */
export function privateFiles(...files: string[]): void {
  for (const file of files) restrict(file, PRIVATE_FILE_MODE);
}

/** Creates `file` empty and owner-only if it does not exist, so whatever opens it later inherits 0600. */
export function touchPrivate(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
  restrict(file, PRIVATE_FILE_MODE);
}
