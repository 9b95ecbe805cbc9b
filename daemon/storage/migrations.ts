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
  {
    version: 7,
    description: 'uses and outcomes of the everyday commands (inline edit, commit message, tests, explain)',
    up(db) {
      db.exec(`
        CREATE TABLE command_outcomes (
          id         INTEGER PRIMARY KEY,
          at         INTEGER NOT NULL,   -- epoch ms (client clock)
          command    TEXT    NOT NULL,   -- inlineEdit | commitMessage | generateTests | explain
          ref_id     TEXT    NOT NULL,   -- the use's id (editId, messageId, testsId, turn id)
          outcome    TEXT    NOT NULL,   -- shown | accepted | rejected | failed | cancelled
          model      TEXT    NOT NULL,
          backend    TEXT,
          language   TEXT,
          rounds     INTEGER NOT NULL,   -- proposals in this use (retries, follow-ups)
          latency_ms REAL    NOT NULL,   -- command to result shown
          UNIQUE (command, ref_id)
        ) STRICT;
        CREATE INDEX command_outcomes_at ON command_outcomes(at);
      `);
    },
  },
  {
    version: 8,
    description: 'agent tasks, their applied steps (for undo) and tool calls (for stats)',
    up(db) {
      db.exec(`
        CREATE TABLE agent_tasks (
          id            TEXT    PRIMARY KEY,
          workspace     TEXT    NOT NULL,          -- root the task ran in
          title         TEXT    NOT NULL,          -- first line of the instruction
          strategy      TEXT    NOT NULL,          -- agent | explain | fix | edit | test
          status        TEXT    NOT NULL,          -- running | done | budget | fallback | cancelled | failed
          stop_reason   TEXT,
          model         TEXT    NOT NULL,
          backend       TEXT,
          started_at    INTEGER NOT NULL,          -- epoch ms
          finished_at   INTEGER,
          model_calls   INTEGER NOT NULL DEFAULT 0,
          tool_calls    INTEGER NOT NULL DEFAULT 0,
          tokens_in     INTEGER NOT NULL DEFAULT 0,
          tokens_out    INTEGER NOT NULL DEFAULT 0,
          wall_ms       REAL,
          files_changed INTEGER NOT NULL DEFAULT 0,
          undone        INTEGER NOT NULL DEFAULT 0,
          answer        TEXT
        ) STRICT;
        CREATE INDEX agent_tasks_started ON agent_tasks(started_at);
        CREATE INDEX agent_tasks_workspace ON agent_tasks(workspace, started_at);
        CREATE TABLE agent_steps (
          task_id    TEXT    NOT NULL REFERENCES agent_tasks(id) ON DELETE CASCADE,
          seq        INTEGER NOT NULL,             -- order of application
          step_id    TEXT    NOT NULL,
          applied_at INTEGER NOT NULL,
          changes    TEXT    NOT NULL,             -- JSON FileChange[] as applied
          before     TEXT    NOT NULL,             -- JSON {path: text | null}: each file before this step
          PRIMARY KEY (task_id, seq)
        ) STRICT;
        CREATE TABLE agent_tool_calls (
          id      INTEGER PRIMARY KEY,
          task_id TEXT    NOT NULL REFERENCES agent_tasks(id) ON DELETE CASCADE,
          at      INTEGER NOT NULL,
          tool    TEXT    NOT NULL,                -- built-in name, mcp:<server>, or unknown
          status  TEXT    NOT NULL,                -- ok | error | denied | invalid | cancelled
          ms      REAL    NOT NULL
        ) STRICT;
        CREATE INDEX agent_tool_calls_at ON agent_tool_calls(at);
      `);
    },
  },
  {
    version: 9,
    description: 'project memory notes per workspace, with an FTS5 index for BM25 relevance',
    up(db) {
      db.exec(`
        CREATE TABLE memory_notes (
          id         TEXT    PRIMARY KEY,
          workspace  TEXT    NOT NULL,             -- root real path, '' outside a workspace
          kind       TEXT    NOT NULL,             -- decision | constraint | todo | glossary | link
          title      TEXT    NOT NULL,
          body       TEXT    NOT NULL,
          tags       TEXT    NOT NULL,             -- JSON string[]
          source     TEXT    NOT NULL,             -- user | agent
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          archived   INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        CREATE INDEX memory_notes_workspace ON memory_notes(workspace, archived, updated_at);
        CREATE VIRTUAL TABLE memory_fts USING fts5(note_id UNINDEXED, terms, tokenize = 'unicode61');
      `);
    },
  },
  {
    version: 10,
    description: 'MCP tools (or whole servers) switched off by the user',
    up(db) {
      db.exec(`
        CREATE TABLE mcp_tool_settings (
          server  TEXT    NOT NULL,
          tool    TEXT    NOT NULL,                -- '' for the whole server
          enabled INTEGER NOT NULL,
          PRIMARY KEY (server, tool)
        ) STRICT;
      `);
    },
  },
];
