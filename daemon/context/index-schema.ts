/**
 * The schema of the per-workspace index (index-store.ts): its migrations, applied in order
 * by `PRAGMA user_version`. A migration whose facts come from the parse empties the index, so
 * the next walk re-analyses every file (vectors are kept: they are cached by content hash).
 */
import type Database from 'better-sqlite3';

/** The full-text index of the chunks' terms and its vocabulary (document frequencies). */
const FTS_TABLES_SQL = `
  CREATE VIRTUAL TABLE chunks_fts USING fts5(
    symbols, path, body,
    content='', contentless_delete=1,
    tokenize="unicode61 tokenchars '_'"
  );
  CREATE VIRTUAL TABLE chunks_vocab USING fts5vocab(chunks_fts, 'row');
`;

/**
 * Empties the index and recreates its full-text tables, for a migration whose facts come from the
 * parse: the next walk rebuilds every file (vectors are kept: they are cached by content hash).
 */
const EMPTY_INDEX_SQL = `
  DELETE FROM symbols;
  DELETE FROM chunks;
  DELETE FROM files;
  DROP TABLE chunks_vocab;
  DROP TABLE chunks_fts;
  ${FTS_TABLES_SQL}
`;

export const INDEX_MIGRATIONS: Array<(db: Database.Database) => void> = [
  (db) => {
    db.exec(`
      CREATE TABLE files(
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        hash TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ms INTEGER NOT NULL,
        language TEXT NOT NULL,
        indexed_at INTEGER NOT NULL
      );
      CREATE TABLE chunks(
        id INTEGER PRIMARY KEY,
        file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
        start_line INTEGER NOT NULL,
        end_line INTEGER NOT NULL,
        hash TEXT NOT NULL,
        symbols TEXT NOT NULL,
        text TEXT NOT NULL
      );
      CREATE INDEX chunks_file ON chunks(file_id);
      CREATE INDEX chunks_hash ON chunks(hash);
      CREATE TABLE symbols(
        name TEXT NOT NULL,
        chunk_id INTEGER NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
        file_id INTEGER NOT NULL,
        line INTEGER NOT NULL
      );
      CREATE INDEX symbols_name ON symbols(name);
      CREATE INDEX symbols_chunk ON symbols(chunk_id);
      ${FTS_TABLES_SQL}
      CREATE TABLE embedded(hash TEXT NOT NULL, model TEXT NOT NULL, PRIMARY KEY(hash, model)) WITHOUT ROWID;
    `);
  },
  (db) => {
    db.exec('CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;');
  },
  // 3: tree-sitter. Chunks, symbols and languages of older indexes came from the heuristic
  // parser: empty the index so the next walk rebuilds every file (vectors are kept: they are
  // cached by content hash), and keep per file the parser used and its syntax facts.
  (db) => {
    db.exec(EMPTY_INDEX_SQL);
    db.exec(`
      ALTER TABLE files ADD COLUMN parser TEXT NOT NULL DEFAULT 'heuristic';
      ALTER TABLE files ADD COLUMN parser_note TEXT;
      ALTER TABLE chunks ADD COLUMN context TEXT NOT NULL DEFAULT '';
      ALTER TABLE symbols ADD COLUMN kind TEXT NOT NULL DEFAULT '';
      ALTER TABLE symbols ADD COLUMN container TEXT;
      CREATE TABLE file_syntax(
        file_id INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
        package TEXT,
        imports TEXT NOT NULL,
        refs TEXT NOT NULL
      );
      CREATE INDEX file_syntax_package ON file_syntax(package);
    `);
  },
  // 4: Go interface methods are definitions and interface types have the kind `interface`
  // (syntax/go-rules.ts). Symbols are facts of the parse: empty the index so the next walk
  // rebuilds every file with them (vectors are kept: they are cached by content hash).
  (db) => {
    db.exec(EMPTY_INDEX_SQL);
  },
  // 5: the members each file uses through each receiver name (member-uses.ts), which member
  // ranking sums over the workspace. Empty the index so the next walk records them for every file.
  (db) => {
    db.exec(EMPTY_INDEX_SQL);
    db.exec(`
      CREATE TABLE IF NOT EXISTS member_uses(
        file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
        receiver TEXT NOT NULL,
        member TEXT NOT NULL,
        n INTEGER NOT NULL,
        test INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS member_uses_receiver ON member_uses(receiver);
      CREATE INDEX IF NOT EXISTS member_uses_file ON member_uses(file_id);
    `);
  },
  // 6: Rust blanket impls (`impl<T: Service<R>> ServiceExt<R> for T {}`, syntax/rust-blankets.ts), found when a file
  // is indexed: the first member query after a load read them from every chunk's text. Empty the index so the next
  // walk records them for every file.
  (db) => {
    db.exec(EMPTY_INDEX_SQL);
    db.exec(`
      CREATE TABLE IF NOT EXISTS rust_blankets(
        file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
        trait TEXT NOT NULL,
        bounds TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS rust_blankets_file ON rust_blankets(file_id);
    `);
  },
  // 7: where chunks are (their file and lines) without reading their rows, whose text makes them a few to a
  // page: ranking looks up the spans of tens of candidates per completion (index-store.ts `chunkSpans`), and
  // from the rows that read a page per candidate into memory (12 MB of tandemd's warm-up on bench:context's
  // tree) where this index holds them all in 0.9 MB. Derived from the rows, so nothing is re-analysed.
  (db) => {
    db.exec('CREATE INDEX IF NOT EXISTS chunks_span ON chunks(id, file_id, start_line, end_line)');
  },
  // 8: chunk spans changed: a Rust `///` block belongs to the item below it, and a declaration under a comment
  // too long for one chunk keeps its whole body with the comment's tail (chunker.ts); TypeScript interface and
  // object-type alias properties are definitions. Chunks and symbols are facts of the parse: empty the index so
  // the next walk reads every file anew (vectors are kept: cached by content hash).
  (db) => {
    db.exec(EMPTY_INDEX_SQL);
  },
];

/** Schema version this code writes (the number of migrations). */
export const SCHEMA_VERSION = INDEX_MIGRATIONS.length;
