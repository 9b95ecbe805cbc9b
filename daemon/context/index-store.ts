/**
 * The per-workspace index on better-sqlite3: files (path, content hash, size, mtime),
 * chunks (span, symbols, text), a symbol table for "where is X defined", and an FTS5
 * table of identifier terms ranked with `bm25()`. WAL journal, schema migrations by
 * `PRAGMA user_version`, every file replaced in one transaction (a crash leaves either
 * the old or the new chunks of a file, never a mix).
 */
import Database from 'better-sqlite3';
import { createPrivateFile } from '../storage/private-files';
import type { Chunk } from './chunker';
import { chunkTerms, type ChunkTerms } from './file-analysis';
import { indexTerms } from './identifiers';
import { INDEX_MIGRATIONS, SCHEMA_VERSION } from './index-schema';
import { isTestPath } from './member-uses';
import type { ImportFact, MemberUse, ParserId, RustBlanket } from './syntax/types';

export interface FileRow {
  id: number;
  path: string;
  hash: string;
  size: number;
  mtimeMs: number;
  language: string;
  /** Which parser chunked the file (`tree-sitter:<grammar>` or `heuristic`). */
  parser: ParserId;
  /** Why the heuristic parser was used although the language has a grammar. */
  parserNote?: string;
}

/** What parsing found in a file beyond its chunks (see syntax/types.ts). */
export interface FileSyntaxRow {
  path: string;
  language: string;
  parser: ParserId;
  parserNote?: string;
  packageName?: string;
  imports: ImportFact[];
}

export interface ChunkRow {
  id: number;
  path: string;
  language: string;
  startLine: number;
  endLine: number;
  hash: string;
  symbols: string[];
  text: string;
  /** Header lines of the containers a member chunk was cut out of ('' when none). */
  context: string;
}

/** A chunk's place: its file and lines. */
export type ChunkSpan = Pick<ChunkRow, 'id' | 'path' | 'startLine' | 'endLine'>;

export interface ScoredId {
  id: number;
  /** Higher is better (the negated FTS5 bm25 value). */
  score: number;
}

/** Column weights of bm25(): symbols defined in the chunk, its path, its body. */
const BM25_WEIGHTS = [6, 2, 1];

/** The ranked FTS5 query and the document-frequency lookup (also run, read-only, by the search thread: lexical-worker.ts). */
export const BM25_SQL = `SELECT rowid AS id, -bm25(chunks_fts, ${BM25_WEIGHTS.join(', ')}) AS score FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY rank LIMIT ?`;
/** Where chunks are, by id (a JSON array): from the covering index (schema 7), never the rows with their text. */
export const CHUNK_SPANS_SQL = `SELECT c.id AS id, f.path AS path, c.start_line AS startLine, c.end_line AS endLine
  FROM chunks c INDEXED BY chunks_span JOIN files f ON f.id = c.file_id WHERE c.id IN (SELECT value FROM json_each(?))`;
export const DOC_FREQUENCY_SQL = 'SELECT doc FROM chunks_vocab WHERE term = ?';
/** The vocabulary in term order from after a term, a page at a time (the search thread reads it whole). */
export const VOCABULARY_RANGE_SQL = 'SELECT term, doc FROM chunks_vocab WHERE term > ? ORDER BY term LIMIT ?';

/** Changes `changesSince` can tell apart (a walk replacing more files than this resets every cache). */
const CHANGE_LOG_SIZE = 512;

export { SCHEMA_VERSION };

/** Distinguishes the stores opened in this process (a store rebuilt at the same path is a new one). */
let nextStoreInstance = 1;

export class IndexStore {
  readonly db: Database.Database;
  private readonly stmts;
  private readonly dfCache = new Map<string, number>();
  /** `definitions(name, limit)` until the index changes: the names above the cursor are looked up again at every keystroke. */
  private readonly definitionsCache = new Map<string, Array<{ chunkId: number; path: string; line: number }>>();
  /** Bumped by every change of files or chunks (lets readers cache what they derive). */
  generation = 0;
  /** This store among those opened in the process (the search thread keys its connections by it). */
  readonly instance = nextStoreInstance++;
  /** What each recent generation changed (oldest first, at most CHANGE_LOG_SIZE): see `changesSince`. */
  private readonly changeLog: Array<{ generation: number; path: string; structural: boolean }> = [];

  constructor(readonly dbFile: string) {
    // Private to the user (it holds the code's full text); WAL and shared memory take its mode.
    createPrivateFile(dbFile);
    this.db = new Database(dbFile);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    // Queries run on the completion path: keep hot pages in memory (bounded) and read
    // the rest through a memory map instead of a syscall per page.
    this.db.pragma('cache_size = -32000');
    this.db.pragma('mmap_size = 268435456');
    this.migrate();
    const db = this.db;
    this.stmts = {
      fileByPath: db.prepare<[string], RawFile>(`SELECT ${FILE_COLUMNS} FROM files WHERE path = ?`),
      allFiles: db.prepare<[], RawFile>(`SELECT ${FILE_COLUMNS} FROM files`),
      upsertFile: db.prepare(
        `INSERT INTO files(path, hash, size, mtime_ms, language, parser, parser_note, indexed_at)
         VALUES (@path, @hash, @size, @mtimeMs, @language, @parser, @parserNote, @now)
         ON CONFLICT(path) DO UPDATE SET hash = excluded.hash, size = excluded.size, mtime_ms = excluded.mtime_ms,
           language = excluded.language, parser = excluded.parser, parser_note = excluded.parser_note,
           indexed_at = excluded.indexed_at RETURNING id`,
      ),
      // `refs` (identifiers used) is no longer read or written: nothing ranked on it. It stays in the schema, empty.
      upsertSyntax: db.prepare(
        `INSERT INTO file_syntax(file_id, package, imports, refs) VALUES (?, ?, ?, '')
         ON CONFLICT(file_id) DO UPDATE SET package = excluded.package, imports = excluded.imports, refs = ''`,
      ),
      syntaxOf: db.prepare<[string], RawSyntax>(
        `SELECT f.path AS path, f.language AS language, f.parser AS parser, f.parser_note AS parserNote, s.package AS package,
                s.imports AS imports
         FROM files f LEFT JOIN file_syntax s ON s.file_id = f.id WHERE f.path = ?`,
      ),
      filesOfPackage: db.prepare<[string], { path: string }>(
        'SELECT f.path AS path FROM file_syntax s JOIN files f ON f.id = s.file_id WHERE s.package = ? ORDER BY f.path',
      ),
      parserCounts: db.prepare<[], { parser: string; n: number }>(
        'SELECT parser, count(*) AS n FROM files GROUP BY parser ORDER BY parser',
      ),
      definitionsDetailed: db.prepare<[string, number], RawDefinition>(
        `SELECT s.name AS name, s.kind AS kind, s.container AS container, s.chunk_id AS chunkId, f.path AS path, s.line AS line
         FROM symbols s JOIN files f ON f.id = s.file_id WHERE s.name = ? LIMIT ?`,
      ),
      touchFile: db.prepare('UPDATE files SET size = ?, mtime_ms = ? WHERE id = ?'),
      chunkIdsOfFile: db.prepare<[number], { id: number }>('SELECT id FROM chunks WHERE file_id = ?'),
      deleteFts: db.prepare('DELETE FROM chunks_fts WHERE rowid = ?'),
      deleteChunksOfFile: db.prepare('DELETE FROM chunks WHERE file_id = ?'),
      deleteFile: db.prepare('DELETE FROM files WHERE id = ?'),
      insertChunk: db.prepare(
        // run() and lastInsertRowid: RETURNING makes this insert about twice as slow (most of a cold index's writes).
        'INSERT INTO chunks(file_id, start_line, end_line, hash, symbols, text, context) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      insertFts: db.prepare('INSERT INTO chunks_fts(rowid, symbols, path, body) VALUES (?, ?, ?, ?)'),
      insertMemberUse: db.prepare('INSERT INTO member_uses(file_id, receiver, member, n, test) VALUES (?, ?, ?, ?, ?)'),
      deleteMemberUses: db.prepare('DELETE FROM member_uses WHERE file_id = ?'),
      insertBlanket: db.prepare('INSERT INTO rust_blankets(file_id, trait, bounds) VALUES (?, ?, ?)'),
      deleteBlankets: db.prepare('DELETE FROM rust_blankets WHERE file_id = ?'),
      blankets: db.prepare<[number], { trait: string; bounds: string }>('SELECT trait, bounds FROM rust_blankets ORDER BY rowid LIMIT ?'),
      insertSymbol: db.prepare('INSERT INTO symbols(name, chunk_id, file_id, line, kind, container) VALUES (?, ?, ?, ?, ?, ?)'),
      bm25: db.prepare<[string, number], { id: number; score: number }>(BM25_SQL),
      df: db.prepare<[string], { doc: number }>(DOC_FREQUENCY_SQL),
      chunkSpansByIds: db.prepare<[string], ChunkSpan>(CHUNK_SPANS_SQL),
      chunksByIds: db.prepare<[string], Omit<ChunkRow, 'symbols'> & { symbols: string }>(
        `SELECT c.id AS id, f.path AS path, f.language AS language, c.start_line AS startLine, c.end_line AS endLine,
                c.hash AS hash, c.symbols AS symbols, c.text AS text, c.context AS context
         FROM chunks c JOIN files f ON f.id = c.file_id WHERE c.id IN (SELECT value FROM json_each(?))`,
      ),
      definitions: db.prepare<[string, number], { chunkId: number; path: string; line: number }>(
        // No ORDER BY: a common name has thousands of rows to sort; callers only want a few.
        'SELECT s.chunk_id AS chunkId, f.path AS path, s.line AS line FROM symbols s JOIN files f ON f.id = s.file_id WHERE s.name = ? LIMIT ?',
      ),
      definitionsInFile: db.prepare<[string, string], { chunkId: number; line: number }>(
        'SELECT s.chunk_id AS chunkId, s.line AS line FROM symbols s JOIN files f ON f.id = s.file_id WHERE s.name = ? AND f.path = ? ORDER BY s.line',
      ),
      chunksOfPath: db.prepare<[string], { id: number }>(
        'SELECT c.id AS id FROM chunks c JOIN files f ON f.id = c.file_id WHERE f.path = ? ORDER BY c.start_line',
      ),
      counts: db.prepare<[], { files: number; chunks: number }>(
        'SELECT (SELECT count(*) FROM files) AS files, (SELECT count(*) FROM chunks) AS chunks',
      ),
      missingEmbeddings: db.prepare<[string, number], { hash: string; text: string; path: string }>(
        `SELECT c.hash AS hash, c.text AS text, f.path AS path FROM chunks c JOIN files f ON f.id = c.file_id
         WHERE NOT EXISTS (SELECT 1 FROM embedded e WHERE e.hash = c.hash AND e.model = ?) GROUP BY c.hash LIMIT ?`,
      ),
      countEmbedded: db.prepare<[string], { n: number }>(
        'SELECT count(*) AS n FROM (SELECT DISTINCT c.hash FROM chunks c JOIN embedded e ON e.hash = c.hash AND e.model = ?)',
      ),
      countHashes: db.prepare<[], { n: number }>('SELECT count(DISTINCT hash) AS n FROM chunks'),
      markEmbedded: db.prepare('INSERT OR IGNORE INTO embedded(hash, model) VALUES (?, ?)'),
      chunkIdsByHash: db.prepare<[string], { id: number }>('SELECT id FROM chunks WHERE hash = ?'),
    };
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`The index was written by a newer Tandem (schema ${version}); delete it to rebuild: ${this.db.name}`);
    }
    for (let v = version; v < SCHEMA_VERSION; v++) {
      this.db.transaction(() => {
        INDEX_MIGRATIONS[v](this.db);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  file(path: string): FileRow | undefined {
    const r = this.stmts.fileByPath.get(path);
    return r && toFile(r);
  }

  files(): Map<string, FileRow> {
    const out = new Map<string, FileRow>();
    for (const r of this.stmts.allFiles.iterate()) out.set(r.path, toFile(r));
    return out;
  }

  /** Files at or below a folder (root-relative; '' for all). */
  filesUnder(dirRel: string): Map<string, FileRow> {
    if (dirRel === '') return this.files();
    const out = new Map<string, FileRow>();
    const rows = this.db
      .prepare(`SELECT ${FILE_COLUMNS} FROM files WHERE path = ? OR (path >= ? AND path < ?)`)
      .all(dirRel, `${dirRel}/`, `${dirRel}0`) as RawFile[];
    for (const r of rows) out.set(r.path, toFile(r));
    return out;
  }

  /** The first indexed path (in path order) ending with `suffix`. */
  findBySuffix(suffix: string): string | undefined {
    const escaped = suffix.replace(/[\\%_]/g, (c) => `\\${c}`);
    const row = this.db.prepare("SELECT path FROM files WHERE path LIKE ? ESCAPE '\\' ORDER BY path LIMIT 1").get(`%${escaped}`) as
      { path: string } | undefined;
    return row?.path;
  }

  hasFile(path: string): boolean {
    return this.stmts.fileByPath.get(path) !== undefined;
  }

  /** Record a new stat for a file whose content hash did not change. */
  touch(id: number, size: number, mtimeMs: number): void {
    this.stmts.touchFile.run(size, mtimeMs, id);
  }

  /**
   * Replace everything known about one file in a single transaction: its row, chunks,
   * symbols, terms and syntax facts (imports, package, member uses, Rust blanket impls). `terms` are the chunks'
   * full-text terms when already computed (an index worker does: file-analysis.ts).
   */
  replaceFile(
    file: Omit<FileRow, 'id' | 'parser'> & { parser?: ParserId },
    chunks: Chunk[],
    now: number,
    syntax?: { imports: ImportFact[]; packageName?: string; memberUses?: MemberUse[]; rustBlankets?: RustBlanket[] },
    terms?: ChunkTerms[],
  ): void {
    let structural = false;
    this.db.transaction(() => {
      const existing = this.stmts.fileByPath.get(file.path);
      // A new path, or a file whose package changed, changes what other files' imports resolve to.
      structural = !existing || (this.stmts.syntaxOf.get(file.path)?.package ?? null) !== (syntax?.packageName ?? null);
      if (existing) {
        this.dropChunks(existing.id);
        this.stmts.deleteMemberUses.run(existing.id);
        this.stmts.deleteBlankets.run(existing.id);
      }
      const { id } = this.stmts.upsertFile.get({
        path: file.path,
        hash: file.hash,
        size: file.size,
        mtimeMs: file.mtimeMs,
        language: file.language,
        parser: file.parser ?? 'heuristic',
        parserNote: file.parserNote ?? null,
        now,
      }) as { id: number };
      const pathTerms = indexTerms(file.path);
      chunks.forEach((c, i) => {
        const names = c.symbols.map((s) => s.name);
        const chunkId = Number(
          this.stmts.insertChunk.run(id, c.startLine, c.endLine, c.hash, names.join(' '), c.text, c.context ?? '').lastInsertRowid,
        );
        const t = terms?.[i] ?? chunkTerms(c);
        this.stmts.insertFts.run(chunkId, t.symbols, pathTerms, t.body);
        for (const s of c.symbols) this.stmts.insertSymbol.run(s.name, chunkId, id, s.line, s.kind ?? '', s.container ?? null);
      });
      if (syntax) this.stmts.upsertSyntax.run(id, syntax.packageName ?? null, JSON.stringify(syntax.imports));
      const test = isTestPath(file.path) ? 1 : 0;
      for (const u of syntax?.memberUses ?? []) this.stmts.insertMemberUse.run(id, u.receiver, u.member, u.n, test);
      for (const b of syntax?.rustBlankets ?? []) this.stmts.insertBlanket.run(id, b.trait, b.bounds.join(' '));
    })();
    this.changed([file.path], structural);
  }

  /**
   * What changed since `generation`: the paths replaced or removed, and whether any change
   * was structural (a path added or removed, a file's package changed). Undefined when that
   * is further back than the store remembers: treat everything as changed.
   */
  changesSince(generation: number): { paths: Set<string>; structural: boolean } | undefined {
    if (generation === this.generation) return { paths: new Set(), structural: false };
    const first = this.changeLog[0];
    if (generation > this.generation || !first || first.generation > generation + 1) return undefined;
    const paths = new Set<string>();
    let structural = false;
    for (const c of this.changeLog) {
      if (c.generation <= generation) continue;
      paths.add(c.path);
      structural ||= c.structural;
    }
    return { paths, structural };
  }

  private changed(paths: string[], structural: boolean): void {
    this.generation++;
    this.dfCache.clear();
    this.definitionsCache.clear();
    for (const path of paths) this.changeLog.push({ generation: this.generation, path, structural });
    if (this.changeLog.length > CHANGE_LOG_SIZE) this.changeLog.splice(0, this.changeLog.length - CHANGE_LOG_SIZE);
  }

  /** The parser and syntax facts of an indexed file. */
  syntaxOf(path: string): FileSyntaxRow | undefined {
    const r = this.stmts.syntaxOf.get(path);
    if (!r) return undefined;
    let imports: ImportFact[] = [];
    try {
      imports = r.imports ? (JSON.parse(r.imports) as ImportFact[]) : [];
    } catch {
      imports = [];
    }
    return {
      path: r.path,
      language: r.language,
      parser: r.parser as ParserId,
      ...(r.parserNote ? { parserNote: r.parserNote } : {}),
      ...(r.package ? { packageName: r.package } : {}),
      imports,
    };
  }

  /** Files declaring a package (Go, Java) or namespace (C#, PHP), in path order. */
  filesOfPackage(packageName: string): string[] {
    return this.stmts.filesOfPackage.all(packageName).map((r) => r.path);
  }

  /** Indexed files with this base name (package.json, Cargo.toml), in path order. */
  filesNamed(basename: string): string[] {
    const escaped = basename.replace(/[\\%_]/g, (c) => `\\${c}`);
    const rows = this.db
      .prepare("SELECT path FROM files WHERE path = ? OR path LIKE ? ESCAPE '\\' ORDER BY path LIMIT 1000")
      .all(basename, `%/${escaped}`) as Array<{ path: string }>;
    return rows.map((r) => r.path);
  }

  /** How many files each parser indexed. */
  parserCounts(): Record<string, number> {
    return Object.fromEntries(this.stmts.parserCounts.all().map((r) => [r.parser, r.n]));
  }

  /** Where a symbol is declared, with its kind and container: at most `limit` places, by path and line. */
  definitionsDetailed(
    name: string,
    limit = 20,
  ): Array<{ name: string; kind: string; container?: string; chunkId: number; path: string; line: number }> {
    return this.stmts.definitionsDetailed
      .all(name, limit)
      .map((r) => ({ ...r, container: r.container ?? undefined }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  }

  /** Remove files (by path) and their chunks; returns how many existed. */
  deleteFiles(paths: Iterable<string>): number {
    const gone: string[] = [];
    this.db.transaction(() => {
      for (const path of paths) {
        const existing = this.stmts.fileByPath.get(path);
        if (!existing) continue;
        this.dropChunks(existing.id);
        this.stmts.deleteFile.run(existing.id);
        gone.push(path);
      }
    })();
    if (gone.length > 0) this.changed(gone, true);
    return gone.length;
  }

  private dropChunks(fileId: number): void {
    for (const { id } of this.stmts.chunkIdsOfFile.all(fileId)) this.stmts.deleteFts.run(id);
    this.stmts.deleteChunksOfFile.run(fileId);
  }

  /** Chunks matching an FTS5 query, best first. */
  bm25(match: string, limit: number): ScoredId[] {
    if (match === '') return [];
    return this.stmts.bm25.all(match, limit);
  }

  /** Like `bm25`, restricted to the given chunks. */
  bm25Within(match: string, ids: number[], limit: number): ScoredId[] {
    if (match === '' || ids.length === 0) return [];
    const list = ids
      .slice(0, 2000)
      .map((id) => Math.trunc(id))
      .join(',');
    return this.db
      .prepare(
        `SELECT rowid AS id, -bm25(chunks_fts, ${BM25_WEIGHTS.join(', ')}) AS score FROM chunks_fts WHERE chunks_fts MATCH ? AND rowid IN (${list}) ORDER BY rank LIMIT ?`,
      )
      .all(match, limit) as ScoredId[];
  }

  /** Symbols of a file with their chunks, in line order. */
  symbolsOf(path: string): Array<{ name: string; chunkId: number; line: number }> {
    // Through chunks (indexed by file) to symbols (indexed by chunk): symbols has no file index.
    return this.db
      .prepare(
        'SELECT s.name AS name, s.chunk_id AS chunkId, s.line AS line FROM files f JOIN chunks c ON c.file_id = f.id JOIN symbols s ON s.chunk_id = c.id WHERE f.path = ? ORDER BY s.line',
      )
      .all(path) as Array<{ name: string; chunkId: number; line: number }>;
  }

  /** The workspace's Rust blanket impls (recorded when their files were indexed), in the order indexed. */
  rustBlankets(limit: number): RustBlanket[] {
    return this.stmts.blankets.all(limit).map((r) => ({ trait: r.trait, bounds: r.bounds.split(' ').filter(Boolean) }));
  }

  /** Number of chunks containing a term (cached until the index changes). */
  docFrequency(term: string): number {
    let n = this.dfCache.get(term);
    if (n === undefined) {
      n = this.stmts.df.get(term)?.doc ?? 0;
      if (this.dfCache.size > 50_000) this.dfCache.clear();
      this.dfCache.set(term, n);
    }
    return n;
  }

  /** Where a symbol is declared (exact name): at most `limit` places. */
  definitions(name: string, limit = 5): Array<{ chunkId: number; path: string; line: number }> {
    const key = `${limit}:${name}`;
    let rows = this.definitionsCache.get(key);
    if (!rows) {
      // Rows come in index order (deterministic); sort the few returned by path and line.
      rows = this.stmts.definitions.all(name, limit).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
      if (this.definitionsCache.size >= 20_000) this.definitionsCache.clear();
      this.definitionsCache.set(key, rows);
    }
    return rows.map((r) => ({ ...r }));
  }

  definitionsIn(name: string, path: string): Array<{ chunkId: number; line: number }> {
    return this.stmts.definitionsInFile.all(name, path);
  }

  chunkIdsOf(path: string): number[] {
    return this.stmts.chunksOfPath.all(path).map((r) => r.id);
  }

  /** Where chunks are (no text): what ranking needs of the many candidates before the few kept are read whole. */
  chunkSpans(ids: number[]): Map<number, ChunkSpan> {
    const out = new Map<number, ChunkSpan>();
    if (ids.length === 0) return out;
    for (const r of this.stmts.chunkSpansByIds.all(JSON.stringify([...new Set(ids)]))) out.set(r.id, r);
    return out;
  }

  chunks(ids: number[]): Map<number, ChunkRow> {
    const out = new Map<number, ChunkRow>();
    if (ids.length === 0) return out;
    // One prepared statement for any number of ids (a JSON array), not one compiled per call.
    const rows = this.stmts.chunksByIds.all(JSON.stringify([...new Set(ids)]));
    for (const r of rows) out.set(r.id, { ...r, symbols: r.symbols === '' ? [] : r.symbols.split(' ') });
    return out;
  }

  counts(): { files: number; chunks: number } {
    return this.stmts.counts.get()!;
  }

  /** Distinct chunk contents without a vector for `model`. */
  missingEmbeddings(model: string, limit: number): Array<{ hash: string; text: string; path: string }> {
    return this.stmts.missingEmbeddings.all(model, limit);
  }

  embeddedCount(model: string): { embedded: number; total: number } {
    return { embedded: this.stmts.countEmbedded.get(model)!.n, total: this.stmts.countHashes.get()!.n };
  }

  markEmbedded(hashes: string[], model: string): void {
    this.db.transaction(() => {
      for (const h of hashes) this.stmts.markEmbedded.run(h, model);
    })();
  }

  meta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  chunkIdsByHash(hash: string): number[] {
    return this.stmts.chunkIdsByHash.all(hash).map((r) => r.id);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

const FILE_COLUMNS = 'id, path, hash, size, mtime_ms, language, parser, parser_note';

interface RawFile {
  id: number;
  path: string;
  hash: string;
  size: number;
  mtime_ms: number;
  language: string;
  parser: string;
  parser_note: string | null;
}

interface RawSyntax {
  path: string;
  language: string;
  parser: string;
  parserNote: string | null;
  package: string | null;
  imports: string | null;
}

interface RawDefinition {
  name: string;
  kind: string;
  container: string | null;
  chunkId: number;
  path: string;
  line: number;
}

function toFile(r: RawFile): FileRow {
  return {
    id: r.id,
    path: r.path,
    hash: r.hash,
    size: r.size,
    mtimeMs: r.mtime_ms,
    language: r.language,
    parser: r.parser as ParserId,
    ...(r.parser_note ? { parserNote: r.parser_note } : {}),
  };
}
