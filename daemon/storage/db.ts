/**
 * SQLite through better-sqlite3: WAL journal (readers never block the writer, and a
 * kill -9 loses at most the transaction in flight), `synchronous = NORMAL` (durable
 * across process crashes; WAL makes it safe), foreign keys on, and migrations by
 * `user_version`. Database files are private to the user (0600, `private-files.ts`).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ErrorCodes, TandemError } from '../../protocol';
import type { Migration } from './migrations';
import { PRIVATE_DIR_MODE, createPrivateFile } from './private-files';
import { userDbMigrations } from './migrations';
import { currentRuntimeFacts, diagnoseNativeLoad } from './native-load';

export type Db = Database.Database;

export function openDatabase(file: string, migrations: Migration[]): Db {
  let db: Db;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
    // Created 0600 before SQLite opens it; the WAL and shared-memory files take its mode.
    createPrivateFile(file);
    db = new Database(file);
  } catch (err) {
    // The addon loads on the first open: a runtime it was not built for fails here, and
    // that is no matter of a writable folder.
    const native = diagnoseNativeLoad(err, currentRuntimeFacts());
    if (native)
      throw new TandemError(ErrorCodes.StorageError, `SQLite cannot start: ${native.cause}`, {
        hint: native.fix,
        cause: err,
        details: { nativeLoad: true },
      });
    throw new TandemError(ErrorCodes.StorageError, `Cannot open the database ${file}: ${(err as Error).message}`, {
      hint: 'Check that the Tandem home is writable and the disk is not full.',
      cause: err,
    });
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations);
  } catch (err) {
    db.close();
    if (err instanceof TandemError) throw err;
    throw new TandemError(ErrorCodes.StorageError, `Cannot prepare the database ${file}: ${(err as Error).message}`, {
      hint: 'If the file is corrupt, move it aside; Tandem creates a new one on the next start.',
      cause: err,
    });
  }
  return db;
}

/** Apply every migration above the database's `user_version`, each atomically. */
export function migrate(db: Db, migrations: Migration[]): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  const latest = sorted.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new TandemError(
      ErrorCodes.StorageError,
      `The database has schema version ${current}, newer than this tandemd understands (${latest}).`,
      { hint: 'Update Tandem, or move the database aside to start fresh.' },
    );
  }
  for (const m of sorted) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}

export function userDbPath(home: string): string {
  return join(home, 'tandem.db');
}

/** The per-user database: events, usage, chat history, health history. */
export function openUserDb(home: string): Db {
  return openDatabase(userDbPath(home), userDbMigrations);
}
