/**
 * One workspace root's index: its store, vectors, ignore rules, project rules and
 * watcher, and the queue that serialises index work on it (the cold walk, then each
 * batch of watched changes). Work runs in slices of a few milliseconds with the event
 * loop free in between, so indexing never blocks completions.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { readInsideRoots } from '../../shared/paths';
import type { Logger } from '../log';
import { AnalysisPool } from './analysis-pool';
import { PRIVATE_DIR_MODE } from '../storage/private-files';
import { contentHash } from './chunker';
import type { ContextConfig } from './config';
import { VectorIndex, type Embedder } from './embeddings';
import { analyzeForIndex, type AnalysisRequest, type FileAnalysis } from './file-analysis';
import { IGNORE_FILES, IgnoreRules } from './ignore-rules';
import { IndexStore, type FileRow } from './index-store';
import { languageOfPath } from './languages';
import { ProjectRules } from './rules';
import { IndexSyntaxFacts, type SyntaxFacts } from './syntax/facts';
import { grammarFor, loadGrammar } from './syntax/grammars';
import type { IndexProgress } from './types';
import { walk, type SkipReason, type WalkedFile } from './walker';
import { TreeWatcher } from './watcher';

export interface IndexStats {
  root: string;
  /** Files and chunks in the index afterwards. */
  files: number;
  chunks: number;
  /** Files seen by the walk. */
  scanned: number;
  /** Files (re)chunked because new or changed. */
  indexed: number;
  /** Files skipped because size, mtime or content hash were unchanged. */
  unchanged: number;
  /** Files removed from the index (deleted, renamed, now ignored or unreadable). */
  removed: number;
  bytes: number;
  skipped: Partial<Record<SkipReason, number>>;
  /** Files in the index by the parser that chunked them (`tree-sitter:<grammar>`, `heuristic`). */
  parsers: Record<string, number>;
  /** Where a walk analysed its files: in index workers or on the daemon's thread (absent: no walk). */
  analyzedIn?: 'worker' | 'in-process';
  elapsedMs: number;
}

/** Where a root's stores live: `<home>/index/<sha256(root)[0..16]>/`. */
export function storeDirFor(home: string, root: string): string {
  return join(home, 'index', createHash('sha256').update(root).digest('hex').slice(0, 16));
}

const SLICE_MS = 8;
const COMMIT_MS = 1000;
/** A walk with at least this many files to (re)index parses them in index workers. */
const POOL_MIN_FILES = 32;
/** Files read and sent for analysis ahead of the writes. */
const ANALYSIS_WINDOW = 64;

interface AnalysisJob {
  f: WalkedFile;
  hash: string;
  ready?: Promise<void>;
  result?: FileAnalysis;
  error?: Error;
}

const isSettled = (job: AnalysisJob) => job.result !== undefined || job.error !== undefined;

export class WorkspaceIndex {
  readonly store: IndexStore;
  readonly vectors: VectorIndex;
  readonly rules: ProjectRules;
  readonly dir: string;
  /** What parsing found (imports resolved to indexed files, packages, definitions): for ranking. */
  readonly syntax: SyntaxFacts;
  private ignore: IgnoreRules;
  private watcher?: TreeWatcher;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private chunkCountCache: number;
  private lastProgressAt = 0;
  state: IndexProgress;
  /** Resolves with the stats of the first full index. */
  readonly initial: Promise<IndexStats>;

  constructor(
    readonly root: string,
    home: string,
    private readonly cfg: ContextConfig,
    embedder: Embedder | undefined,
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly onProgress: () => void,
    private readonly opts: { backgroundEmbedding: boolean } = { backgroundEmbedding: true },
  ) {
    this.dir = storeDirFor(home, root);
    mkdirSync(this.dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    this.store = openStore(join(this.dir, 'index.db'), logger);
    this.vectors = new VectorIndex(join(this.dir, 'vectors'), this.store, embedder, cfg.embeddings, logger, now);
    this.rules = new ProjectRules(root, (m) => logger.warn(`context: ${m}`));
    this.syntax = new IndexSyntaxFacts(root, this.store);
    this.ignore = this.newIgnore();
    this.chunkCountCache = this.store.counts().chunks;
    this.state = { root, filesDone: 0, filesTotal: 0, state: 'indexing' };
    if (cfg.watch.enabled) this.watcher = new TreeWatcher(root, (paths) => void this.update(paths), cfg.watch.debounceMs, logger);
    this.initial = this.enqueue(() => this.reconcile('', true));
    this.initial.then(
      (s) =>
        logger.info(
          `context: ${root}: ${s.files} files, ${s.chunks} chunks (${s.indexed} indexed, ${s.unchanged} unchanged, ${s.removed} removed) in ${s.elapsedMs} ms`,
        ),
      (err: Error) => {
        this.state = { ...this.state, state: 'error', error: err.message };
        logger.error(`context: indexing ${root} failed: ${err.message}`);
        this.onProgress();
      },
    );
  }

  private newIgnore(): IgnoreRules {
    return new IgnoreRules(this.root, { excludeDirs: this.cfg.index.excludeDirs, excludeGlobs: this.cfg.index.excludeGlobs });
  }

  get chunkCount(): number {
    return this.chunkCountCache;
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Re-check changed paths (root-relative); resolves when they are searchable. */
  update(paths: string[]): Promise<IndexStats> {
    return this.enqueue(async () => {
      const total = this.emptyStats();
      const started = this.now();
      for (const rel of paths) {
        if (this.closed) break;
        const s = await this.updateOne(rel);
        total.scanned += s.scanned;
        total.indexed += s.indexed;
        total.unchanged += s.unchanged;
        total.removed += s.removed;
        total.bytes += s.bytes;
        for (const [k, v] of Object.entries(s.skipped)) total.skipped[k as SkipReason] = (total.skipped[k as SkipReason] ?? 0) + (v ?? 0);
      }
      return this.finish(total, started);
    });
  }

  /** Deliver watched changes not yet reported and wait until all queued work is done. */
  async settle(): Promise<void> {
    this.watcher?.flush();
    await this.queue;
  }

  private async updateOne(rel: string): Promise<IndexStats> {
    const stats = this.emptyStats();
    const name = posix.basename(rel);
    // A folder on the way that is now a symlink (a checkout can swap one in): what is
    // below it is not the tree the walk saw, wherever it points. Drop it, read nothing.
    if (throughSymlink(this.root, rel)) {
      stats.removed += this.removeUnder(rel);
      stats.skipped.symlink = 1;
      return stats;
    }
    if ((IGNORE_FILES as readonly string[]).includes(name)) {
      // Ignore rules changed: re-check everything below their folder.
      this.ignore = this.newIgnore();
      return this.reconcile(posix.dirname(rel) === '.' ? '' : posix.dirname(rel), false);
    }
    if (this.isUnderIgnoredDir(rel)) return stats;
    const abs = join(this.root, rel);
    let st;
    try {
      st = lstatSync(abs);
    } catch {
      stats.removed += this.removeUnder(rel);
      return stats;
    }
    if (st.isSymbolicLink() || (!st.isFile() && !st.isDirectory())) {
      stats.removed += this.removeUnder(rel);
      return stats;
    }
    if (st.isDirectory()) {
      if (this.ignore.isIgnored(rel, true)) {
        stats.removed += this.removeUnder(rel);
        return stats;
      }
      return this.reconcile(rel, false);
    }
    const language = languageOfPath(name);
    const existing = this.store.file(rel);
    const drop = (reason: SkipReason) => {
      stats.skipped[reason] = 1;
      if (existing) stats.removed += this.store.deleteFiles([rel]);
    };
    if (this.ignore.isIgnored(rel, false)) drop('ignored');
    else if (!language) drop('unsupported-type');
    else if (st.size > this.cfg.index.maxFileBytes) drop('too-large');
    else {
      stats.scanned = 1;
      await loadGrammars([language]);
      const outcome = this.indexFile({ rel, abs, size: st.size, mtimeMs: Math.floor(st.mtimeMs), language }, existing);
      if (outcome === 'indexed') {
        stats.indexed = 1;
        stats.bytes = st.size;
      } else if (outcome === 'unchanged') stats.unchanged = 1;
      else drop(outcome);
    }
    return stats;
  }

  private isUnderIgnoredDir(rel: string): boolean {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) if (this.ignore.isIgnored(parts.slice(0, i).join('/'), true)) return true;
    return false;
  }

  private removeUnder(rel: string): number {
    this.watcher?.unwatchDir(rel);
    return this.store.deleteFiles(this.store.filesUnder(rel).keys());
  }

  /** Bring the index of a folder (and below) in line with the disk. */
  private async reconcile(dirRel: string, reportProgress: boolean): Promise<IndexStats> {
    const started = this.now();
    const stats = this.emptyStats();
    const walked = await walk(this.root, {
      rules: this.ignore,
      maxFileBytes: this.cfg.index.maxFileBytes,
      maxFiles: this.cfg.index.maxFiles,
      under: dirRel === '' ? undefined : dirRel,
    });
    stats.skipped = walked.skipped;
    if (walked.limitReached && reportProgress) {
      this.logger.warn(
        `context: ${this.root} has more than ${this.cfg.index.maxFiles} files to index; indexed the first ${walked.files.length} and stopped (raise context.index.maxFiles, or open a smaller folder).`,
      );
    }
    for (const d of walked.dirs) this.watcher?.watchDir(d);
    // Grammars load asynchronously (once per process); files are then parsed synchronously in slices.
    await loadGrammars(walked.files.map((f) => f.language));
    const existing = this.store.filesUnder(dirRel);
    if (reportProgress) this.setProgress({ filesDone: 0, filesTotal: walked.files.length, state: 'indexing' }, true);
    // Files whose size or mtime changed (or that are new) are read and analysed — in index
    // workers when there are many (parsing overlaps the writes below), else in-process — and
    // written in walk order, a slice of a few milliseconds at a time.
    const changed = walked.files.filter((f) => {
      const ex = existing.get(f.rel);
      return !ex || ex.size !== f.size || ex.mtimeMs !== f.mtimeMs;
    }).length;
    const pool = await AnalysisPool.start({ size: changed >= POOL_MIN_FILES ? this.cfg.index.workers : 0, logger: this.logger });
    stats.analyzedIn = pool.usesWorkers ? 'worker' : 'in-process';
    const queue: AnalysisJob[] = [];
    let i = 0;
    let done = 0;
    // Read ahead of the writes so the workers always have files to parse.
    const fill = () => {
      while (queue.length < ANALYSIS_WINDOW && i < walked.files.length) {
        const f = walked.files[i++];
        const ex = existing.get(f.rel);
        existing.delete(f.rel);
        stats.scanned++;
        if (ex && ex.size === f.size && ex.mtimeMs === f.mtimeMs) {
          stats.unchanged++;
          done++;
          continue;
        }
        const read = this.readForIndex(f, ex);
        if (typeof read === 'string') {
          this.count(stats, read, f, ex);
          done++;
          continue;
        }
        const job: AnalysisJob = { f, hash: read.hash };
        job.ready = pool.analyze(this.analysisRequest(read.text, f.language)).then(
          (a) => void (job.result = a),
          (err: Error) => void (job.error = err),
        );
        queue.push(job);
      }
    };
    // One write transaction spans several slices (committed every COMMIT_MS): FTS5 writes a
    // segment per commit, and fewer, larger segments make indexing cheaper (about 25%).
    // Reads between slices use the same connection and see every file fully replaced; a
    // crash loses at most the last second of indexing, redone at the next start.
    let txStart = performance.now();
    const db = this.store.db;
    if (!db.inTransaction) db.exec('BEGIN');
    try {
      for (;;) {
        fill();
        if (queue.length === 0 || this.closed) break;
        await queue[0].ready;
        if (this.closed) break;
        const sliceStart = performance.now();
        db.transaction(() => {
          while (queue.length > 0 && queue[0].ready && isSettled(queue[0]) && performance.now() - sliceStart < SLICE_MS) {
            const job = queue.shift()!;
            if (job.error) throw job.error;
            this.writeFile(job.f, job.hash, job.result!);
            stats.indexed++;
            stats.bytes += job.f.size;
            done++;
          }
        })();
        if (reportProgress) this.setProgress({ filesDone: done, filesTotal: walked.files.length, state: 'indexing' }, false);
        if (performance.now() - txStart > COMMIT_MS && db.inTransaction) {
          db.exec('COMMIT');
          db.exec('BEGIN');
          txStart = performance.now();
        }
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      // Keep what was indexed (each file is whole); an error commits the files done so far.
      if (db.open && db.inTransaction) db.exec('COMMIT');
      await pool.close();
    }
    if (!this.closed) stats.removed += this.store.deleteFiles(existing.keys());
    const result = this.finish(stats, started);
    if (reportProgress) this.setProgress({ filesDone: walked.files.length, filesTotal: walked.files.length, state: 'ready' }, true);
    return result;
  }

  private finish(stats: IndexStats, started: number): IndexStats {
    const counts = this.store.counts();
    this.chunkCountCache = counts.chunks;
    if (this.opts.backgroundEmbedding && (stats.indexed > 0 || stats.removed > 0 || this.vectors.status().embedded < counts.chunks)) {
      this.vectors.schedule();
    }
    return {
      ...stats,
      files: counts.files,
      chunks: counts.chunks,
      parsers: this.store.parserCounts(),
      elapsedMs: Math.round(this.now() - started),
    };
  }

  /** Index one file if its content changed (in-process); returns the outcome or why it was skipped. */
  private indexFile(f: WalkedFile, existing: FileRow | undefined): 'indexed' | 'unchanged' | SkipReason {
    const read = this.readForIndex(f, existing);
    if (typeof read === 'string') return read;
    this.writeFile(f, read.hash, analyzeForIndex(this.analysisRequest(read.text, f.language)));
    return 'indexed';
  }

  /**
   * A file's text and hash when it has to be (re)indexed; otherwise `unchanged` or why it is
   * skipped. The read is the checked one (`readInsideRoots`): the path must not pass through
   * any symlink now, however the tree looked when it was walked.
   */
  private readForIndex(f: WalkedFile, existing: FileRow | undefined): { text: string; hash: string } | 'unchanged' | SkipReason {
    const read = readInsideRoots(f.abs, [this.root], { maxBytes: this.cfg.index.maxFileBytes, noSymlinks: true });
    if (!read.ok) {
      if (read.rule === 'too_large') return 'too-large';
      if (read.rule === 'symlink' || read.rule === 'changed') return 'symlink';
      if (read.rule === 'outside') return 'symlink-outside-root';
      return 'unreadable';
    }
    const buf = read.bytes;
    if (buf.subarray(0, 8192).includes(0)) return 'binary';
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(buf);
    } catch {
      return 'not-utf8';
    }
    if (hasLongLine(text, this.cfg.index.maxLineChars)) return 'minified';
    const hash = contentHash(text);
    if (existing && existing.hash === hash) {
      this.store.touch(existing.id, f.size, f.mtimeMs);
      return 'unchanged';
    }
    return { text, hash };
  }

  private analysisRequest(text: string, language: string): AnalysisRequest {
    return { text, language, chunk: { maxLines: this.cfg.index.chunkMaxLines, maxChars: this.cfg.index.chunkMaxChars } };
  }

  private writeFile(f: WalkedFile, hash: string, a: FileAnalysis): void {
    this.store.replaceFile(
      {
        path: f.rel,
        hash,
        size: f.size,
        mtimeMs: f.mtimeMs,
        language: f.language,
        parser: a.syntax.parser,
        parserNote: a.syntax.fallbackReason,
      },
      a.chunks,
      this.now(),
      a.syntax,
      a.terms,
    );
  }

  /** Count a file that was not (re)indexed: unchanged, or skipped (and dropped from the index). */
  private count(stats: IndexStats, outcome: 'unchanged' | SkipReason, f: WalkedFile, existing: FileRow | undefined): void {
    if (outcome === 'unchanged') stats.unchanged++;
    else {
      stats.skipped[outcome] = (stats.skipped[outcome] ?? 0) + 1;
      if (existing) stats.removed += this.store.deleteFiles([f.rel]);
    }
  }

  private setProgress(p: Omit<IndexProgress, 'root'>, force: boolean): void {
    this.state = { root: this.root, ...p };
    const t = this.now();
    if (force || t - this.lastProgressAt >= 200) {
      this.lastProgressAt = t;
      this.onProgress();
    }
  }

  private emptyStats(): IndexStats {
    return {
      root: this.root,
      files: 0,
      chunks: 0,
      scanned: 0,
      indexed: 0,
      unchanged: 0,
      removed: 0,
      bytes: 0,
      skipped: {},
      parsers: {},
      elapsedMs: 0,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    await this.queue;
    await this.vectors.close();
    this.store.close();
  }
}

/**
 * Open the index; a file SQLite cannot read (corrupt, truncated, not a database) is set
 * aside as `index.db.corrupt-<time>` and the index is rebuilt from the workspace (it holds
 * nothing that cannot be recomputed).
 */
function openStore(file: string, logger: Logger): IndexStore {
  try {
    return new IndexStore(file);
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (!/^SQLITE_(CORRUPT|NOTADB)/.test(code)) throw err;
    const aside = `${file}.corrupt-${Date.now()}`;
    logger.warn(`context: ${file} is unreadable (${(err as Error).message}); moved to ${aside} and rebuilding the index.`);
    renameSync(file, aside);
    for (const ext of ['-wal', '-shm']) rmSync(file + ext, { force: true });
    return new IndexStore(file);
  }
}

/** Load the grammars of these languages (each once per process; failures fall back to heuristics). */
async function loadGrammars(languages: Iterable<string>): Promise<void> {
  const ids = new Set<ReturnType<typeof grammarFor>>();
  for (const l of languages) ids.add(grammarFor(l));
  await Promise.all([...ids].filter((g) => g !== undefined).map((g) => loadGrammar(g)));
}

function hasLongLine(text: string, max: number): boolean {
  if (text.length <= max) return false;
  let start = 0;
  while (start < text.length) {
    let nl = text.indexOf('\n', start);
    if (nl === -1) nl = text.length;
    if (nl - start > max) return true;
    start = nl + 1;
  }
  return false;
}

/** True when a folder on the way from `root` to `rel` is (now) a symbolic link, or is gone. */
function throughSymlink(root: string, rel: string): boolean {
  const parent = dirname(join(root, rel));
  try {
    return realpathSync.native(parent) !== parent;
  } catch {
    return false;
  }
}
