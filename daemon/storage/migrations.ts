/**
 * Schema migrations of the user database (`$TANDEM_HOME/tandem.db`), applied in order
 * by `user_version`. Append only: never edit a migration that has shipped; add a new
 * one. Each runs in its own transaction together with the version bump.
 */
import type { Database } from 'better-sqlite3';

export interface Migration {
  version: number;
  description: string;
  up(db: Database): void;
}

export const userDbMigrations: Migration[] = [
  {
    version: 1,
    description: 'daemon metadata and backend health history',
    up(db) {
      db.exec(`
        CREATE TABLE meta (
          key   TEXT PRIMARY KEY,
          value TEXT NOT NULL
        ) STRICT;
        CREATE TABLE backend_health (
          id         INTEGER PRIMARY KEY,
          at         INTEGER NOT NULL,            -- epoch ms
          backend    TEXT    NOT NULL,
          health     TEXT    NOT NULL,            -- up | down | unknown
          circuit    TEXT    NOT NULL,            -- closed | open | half-open
          latency_ms REAL,
          error      TEXT
        ) STRICT;
        CREATE INDEX backend_health_at ON backend_health(at);
      `);
    },
  },
];
