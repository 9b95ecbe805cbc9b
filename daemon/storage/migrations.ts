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
  {
    version: 2,
    description: 'chat conversations and messages, per workspace',
    up(db) {
      db.exec(`
        CREATE TABLE chat_conversations (
          id         TEXT    PRIMARY KEY,
          workspace  TEXT    NOT NULL,            -- first workspace folder path, '' without one
          title      TEXT    NOT NULL,
          created_at INTEGER NOT NULL,            -- epoch ms
          updated_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX chat_conversations_workspace ON chat_conversations(workspace, updated_at);
        CREATE TABLE chat_messages (
          id              TEXT    PRIMARY KEY,
          conversation_id TEXT    NOT NULL REFERENCES chat_conversations(id) ON DELETE CASCADE,
          seq             INTEGER NOT NULL,       -- order within the conversation
          role            TEXT    NOT NULL,       -- user | assistant
          content         TEXT    NOT NULL,
          status          TEXT    NOT NULL,       -- done | streaming | cancelled | error
          error           TEXT,                   -- JSON {message, hint, kind, backendUrl}
          meta            TEXT,                   -- JSON: prompt, context used, stats, attachments
          created_at      INTEGER NOT NULL,
          UNIQUE (conversation_id, seq)
        ) STRICT;
      `);
    },
  },
  {
    version: 3,
    description: 'inline suggestion events (shown, accepted, partially accepted, dismissed, retention)',
    up(db) {
      db.exec(`
        CREATE TABLE completion_events (
          id             INTEGER PRIMARY KEY,
          at             INTEGER NOT NULL,        -- epoch ms (client clock)
          kind           TEXT    NOT NULL,        -- shown | accepted | partially_accepted | dismissed | retention
          completion_id  TEXT    NOT NULL,
          model          TEXT    NOT NULL,
          backend        TEXT    NOT NULL,
          language       TEXT    NOT NULL,
          first_token_ms REAL,                    -- shown
          total_ms       REAL,                    -- shown
          overhead_ms    REAL,                    -- shown: extension-side overhead
          lines          INTEGER,                 -- shown, accepted
          chars          INTEGER,                 -- shown, accepted
          accepted_chars INTEGER,                 -- partially_accepted, retention
          retained_chars INTEGER,                 -- retention
          edit_distance  INTEGER,                 -- retention
          checkpoint_sec INTEGER,                 -- retention: 30 | 120 | 600
          reason         TEXT,                    -- dismissed
          unit           TEXT,                    -- partially_accepted: word | line
          text           TEXT                     -- suggestion text, only with telemetry.storeCodeText
        ) STRICT;
        CREATE INDEX completion_events_at ON completion_events(at);
        CREATE INDEX completion_events_completion ON completion_events(completion_id, kind);
      `);
    },
  },
  {
    version: 4,
    description: 'outcomes of auto-fixes and multi-file edits (auto-fix success: the diagnostic disappeared)',
    up(db) {
      db.exec(`
        CREATE TABLE edit_outcomes (
          id                   INTEGER PRIMARY KEY,
          at                   INTEGER NOT NULL,   -- epoch ms (client clock)
          kind                 TEXT    NOT NULL,   -- fix | edit
          ref_id               TEXT    NOT NULL,   -- fixId or planId
          outcome              TEXT    NOT NULL,   -- resolved | unresolved | rejected | failed | applied
          model                TEXT    NOT NULL,
          backend              TEXT    NOT NULL,
          language             TEXT,
          applied_by           TEXT,               -- preview | direct
          diagnostics          INTEGER NOT NULL,   -- diagnostics targeted
          resolved_diagnostics INTEGER NOT NULL,   -- of those, gone after applying
          files                INTEGER NOT NULL,   -- files changed
          latency_ms           REAL    NOT NULL,   -- command to proposal shown
          UNIQUE (kind, ref_id)
        ) STRICT;
        CREATE INDEX edit_outcomes_at ON edit_outcomes(at);
      `);
    },
  },
  {
    version: 5,
    description: 'model usage per call (tokens in/out and timings per task, model and backend) for the stats dashboard',
    up(db) {
      db.exec(`
        CREATE TABLE model_usage (
          id             INTEGER PRIMARY KEY,
          at             INTEGER NOT NULL,        -- epoch ms (daemon clock), when the call finished
          task           TEXT    NOT NULL,        -- complete | chat | fix | edit
          model          TEXT    NOT NULL,
          backend        TEXT    NOT NULL,
          prompt_tokens  INTEGER,                 -- as the backend counted them; NULL when not reported
          output_tokens  INTEGER,
          first_token_ms REAL    NOT NULL,
          total_ms       REAL    NOT NULL
        ) STRICT;
        CREATE INDEX model_usage_at ON model_usage(at);
      `);
    },
  },
  {
    version: 6,
    description: 'suggestion events say what was suggested: an inline completion or a next edit',
    up(db) {
      db.exec(`
        ALTER TABLE completion_events ADD COLUMN suggestion_kind TEXT NOT NULL DEFAULT 'completion'; -- completion | nextEdit
        CREATE INDEX completion_events_kind_at ON completion_events(suggestion_kind, at);
      `);
    },
  },
];
