/**
 * The `context` section of tandemd's config.json, validated with zod. Every key has a
 * default, so `{}` (the file's default) is a complete configuration. The daemon reads
 * it once with `parseContextConfig(config.context)`.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { ConfigError, duration } from '../config';

/** Folders skipped wherever they appear (vendored, generated, VCS metadata). */
export const DEFAULT_EXCLUDE_DIRS = [
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  'bower_components',
  'vendor',
  'dist',
  'build',
  'out',
  'target',
  'coverage',
  '.next',
  '.nuxt',
  '.cache',
  '.venv',
  'venv',
  '__pycache__',
  '.mypy_cache',
  '.pytest_cache',
  '.tox',
  '.gradle',
  '.idea',
  '.vscode-test',
  '.e2e-cache',
  '.tandem',
];

/** File-name patterns (gitignore syntax) of generated files never worth indexing. */
export const DEFAULT_EXCLUDE_GLOBS = [
  '*.min.js',
  '*.min.css',
  '*.map',
  '*.lock',
  'package-lock.json',
  'pnpm-lock.yaml',
  '*.pb.go',
  '*.generated.*',
];

/** Index workers by default: two, or one on a single-core machine (the daemon's thread writes SQLite meanwhile). */
export const DEFAULT_INDEX_WORKERS = Math.min(2, availableParallelism());

const zShares = z.object({
  /** Share of the budget for the text before the cursor. */
  prefix: z.number().min(0.05).max(0.95).default(0.5),
  /** Share for the text after the cursor. */
  suffix: z.number().min(0).max(0.9).default(0.15),
  /** Share for retrieved context; unused prefix/suffix tokens flow to it. */
  context: z.number().min(0).max(0.9).default(0.35),
});

export const zContextConfig = z.object({
  /** Master switch: off means completions get the clipped document only. */
  enabled: z.boolean().default(true),
  index: z
    .object({
      /** Files larger than this are skipped (recorded as `too-large`). */
      maxFileBytes: z.number().int().min(1024).default(1_000_000),
      /** At most this many files per root; the rest are recorded as `over-file-limit`. */
      maxFiles: z.number().int().min(1).default(100_000),
      /** Folder names skipped at any depth. Replaces the default list when set. */
      excludeDirs: z.array(z.string().min(1)).default(DEFAULT_EXCLUDE_DIRS),
      /** Extra gitignore-syntax patterns applied after `.gitignore` and `.tandemignore`. */
      excludeGlobs: z.array(z.string().min(1)).default(DEFAULT_EXCLUDE_GLOBS),
      /** Largest chunk, in lines and characters (chunks are cut at line ends only). */
      chunkMaxLines: z.number().int().min(5).max(1000).default(60),
      chunkMaxChars: z.number().int().min(200).max(100_000).default(3000),
      /** Lines longer than this mark a file as minified/generated (skipped). */
      maxLineChars: z.number().int().min(200).default(4000),
      /** Index workers parsing beside the daemon's thread during a walk (0: parse in-process). */
      workers: z.number().int().min(0).max(8).default(DEFAULT_INDEX_WORKERS),
    })
    .prefault({}),
  watch: z
    .object({
      enabled: z.boolean().default(true),
      /** Quiet period after a change before re-indexing, ms. */
      debounceMs: duration('ms', 0, 5000).default(25),
    })
    .prefault({}),
  completion: z
    .object({
      /** Retrievers are raced against this many ms. */
      deadlineMs: duration('ms', 1, 10_000).default(30),
      shares: zShares.prefault({}),
      /** Most chunks put into a completion prompt. */
      maxChunks: z.number().int().min(0).max(100).default(8),
      /** Most chunks from one file. */
      perFileCap: z.number().int().min(1).max(50).default(2),
      /** Lines around the cursor (in the current file) never used as retrieved context. */
      cursorWindowLines: z.number().int().min(0).max(1000).default(30),
      /** Lines before the cursor that form the retrieval query. */
      queryLines: z.number().int().min(1).max(200).default(12),
      /** When candidates exceed this fraction of the context share, the compactor runs first. */
      compactionThreshold: z.number().min(0.1).max(1).default(0.8),
    })
    .prefault({}),
  chat: z
    .object({
      /** Fraction of the chat budget given to retrieved chunks (rules come out of it first). */
      contextShare: z.number().min(0.05).max(0.95).default(0.6),
      maxChunks: z.number().int().min(0).max(200).default(24),
      perFileCap: z.number().int().min(1).max(50).default(4),
      /** Most tokens of project rules (AGENTS.md, .tandem/rules.md). */
      maxRulesTokens: z.number().int().min(0).default(2000),
      compactionThreshold: z.number().min(0.1).max(1).default(0.8),
    })
    .prefault({}),
  retrieval: z
    .object({
      /** Reciprocal rank fusion constant. */
      rrfK: z.number().min(1).max(1000).default(60),
      bm25Candidates: z.number().int().min(1).max(1000).default(40),
      /** Run BM25 in a thread of its own, beside the other retrievers (lexical-search.ts); off: on the daemon's thread. */
      searchThread: z.boolean().default(true),
      vectorCandidates: z.number().int().min(1).max(1000).default(20),
      /** Per-source weights in the fusion. */
      weights: z
        .object({
          bm25: z.number().min(0).default(1),
          vector: z.number().min(0).default(1),
          definitions: z.number().min(0).default(1.5),
          imports: z.number().min(0).default(1.5),
        })
        .prefault({}),
      /** Multipliers applied after fusion. */
      boosts: z
        .object({
          importedFile: z.number().min(1).default(1.3),
          openFile: z.number().min(1).default(1.25),
          recentFile: z.number().min(1).default(1.15),
          sameDir: z.number().min(1).default(1.1),
        })
        .prefault({}),
    })
    .prefault({}),
  embeddings: z
    .object({
      /** Use the router's `embed` task when a backend can serve it. */
      enabled: z.boolean().default(true),
      batchSize: z.number().int().min(1).max(512).default(32),
      /** Characters of a chunk sent to the embed model. */
      maxChars: z.number().int().min(100).max(100_000).default(2000),
      /** Wait this long after an embed failure before trying again, ms. */
      retryMs: duration('ms', 100, 3_600_000).default(60_000),
    })
    .prefault({}),
  /** Tokenizer used for exact budget counts. */
  tokenizer: z.enum(['cl100k_base', 'o200k_base']).default('cl100k_base'),
  /** Diagnostics kept for the most recent assemblies. */
  diagnosticsRetention: z.number().int().min(1).max(100_000).default(500),
});

export type ContextConfig = z.infer<typeof zContextConfig>;
export type ContextConfigInput = z.input<typeof zContextConfig>;

/** A `ConfigError` (the CLI reports it with exit code 2) naming each bad `context.*` key. */
export class ContextConfigError extends ConfigError {
  constructor(message: string) {
    super(message);
    this.name = 'ContextConfigError';
  }
}

/** Parse `config.context` (any JSON) into a complete configuration; throws with each problem's path. */
export function parseContextConfig(raw: unknown = {}): ContextConfig {
  const result = zContextConfig.safeParse(raw ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  context.${i.path.join('.')}: ${i.message}`).join('\n');
    throw new ContextConfigError(`Invalid context settings in config.json:\n${problems}\nSee docs/context-engine.md.`);
  }
  return result.data;
}
