/**
 * Retrieval quality on real repositories in five languages (TypeScript, Python, Go,
 * Rust, Java): pinned public repositories (bench/retrieval-repos.json), extracted into a
 * cache outside this repository (bench/retrieval/repos.ts), cases built the same way for
 * every language (bench/retrieval/cases.ts: the cursor at the first use of a name
 * defined in another file, gold = its definition), scored for Tandem's retriever — the
 * real engine, BM25-only here since no embed model runs in a benchmark — against two
 * baselines on the benchmark's own pieces of text (bench/retrieval/baselines.ts).
 *
 * Reports acc@1, acc@5 and MRR@10 with case counts per repository, per language and
 * split (dev: tune on it; heldout: decides the targets), and per case kind (`imported`:
 * an import names it; `member`: after `x.`; `bare`: neither, e.g. Go same-package names
 * or Java same-package classes). Prints JSON; never asserts.
 *
 *   npm run bench:retrieval [-- --repos hono,gin --max-cases 300 --per-file 3 --keep-stdlib-members]
 *   (--keep-stdlib-members: the cases before the rule of bench/retrieval/stdlib.ts, for earlier figures)
 *   TANDEM_BENCH_DEBUG=1 prints Tandem's misses to stderr.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseContextConfig } from '../daemon/context/config';
import { TandemContextEngine } from '../daemon/context/engine';
import { IndexStore } from '../daemon/context/index-store';
import { languageOfPath } from '../daemon/context/languages';
import { storeDirFor } from '../daemon/context/workspace';
import { nullLogger } from '../daemon/log';
import { PlainBm25, jaccardWindows, type Ranked } from './retrieval/baselines';
import { buildCases, caseLanguageOf, type Case } from './retrieval/cases';
import { cacheDir, extract, readRepoList, repoModules, type RepoEntry } from './retrieval/repos';
import { stdlibMembers } from './retrieval/stdlib';

const { values } = parseArgs({
  options: {
    list: { type: 'string', default: join(__dirname, 'retrieval-repos.json') },
    repos: { type: 'string' },
    'max-cases': { type: 'string', default: '300' },
    'per-file': { type: 'string', default: '3' },
    // The cases before the standard library's method names made a member use ambiguous (earlier figures).
    'keep-stdlib-members': { type: 'boolean', default: false },
  },
});
const MAX_CASES = Number(values['max-cases']);
const PER_FILE = Number(values['per-file']);
const METHODS = ['tandem', 'bm25', 'jaccard-windows'] as const;
type Method = (typeof METHODS)[number];
const KINDS = ['imported', 'member', 'bare'] as const;

function rankOf(results: Ranked[], c: Case): number {
  const i = results.slice(0, 10).findIndex((r) => r.file === c.goldFile && r.startLine <= c.goldLine && c.goldLine <= r.endLine);
  return i < 0 ? Infinity : i + 1;
}

function metrics(ranks: number[]) {
  const n = ranks.length;
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  if (n === 0) return { cases: 0 };
  return {
    cases: n,
    'acc@1': r3(ranks.filter((r) => r <= 1).length / n),
    'acc@5': r3(ranks.filter((r) => r <= 5).length / n),
    'mrr@10': r3(ranks.reduce((s, r) => s + (r <= 10 ? 1 / r : 0), 0) / n),
  };
}

interface Scored {
  case: Case;
  ranks: Record<Method, number>;
}

function summarize(scored: Scored[]) {
  return {
    ...Object.fromEntries(METHODS.map((m) => [m, metrics(scored.map((s) => s.ranks[m]))])),
    byKind: Object.fromEntries(
      KINDS.map((k) => {
        const part = scored.filter((s) => s.case.kind === k);
        return [k, Object.fromEntries(METHODS.map((m) => [m, metrics(part.map((s) => s.ranks[m]))]))];
      }),
    ),
  };
}

async function evaluate(repo: RepoEntry, dir: string) {
  const home = mkdtempSync(join(tmpdir(), 'tandem-bench-retrieval-'));
  const engine = new TandemContextEngine({
    home,
    config: parseContextConfig({ watch: { enabled: false }, embeddings: { enabled: false } }),
    logger: nullLogger,
    backgroundEmbedding: false,
  });
  try {
    const t0 = performance.now();
    const stats = await engine.indexRoot(dir);
    const indexSec = Math.round((performance.now() - t0) / 100) / 10;
    const root = engine.roots()[0];
    const store = new IndexStore(join(storeDirFor(home, root), 'index.db'));
    const indexed = [...store.files().keys()].sort();
    const parsers = parserCounts(store);
    store.close();
    const texts = new Map(indexed.map((rel) => [rel, readFileSync(join(root, rel), 'utf8')]));
    const lines = new Map([...texts].map(([rel, t]) => [rel, t.split('\n')]));
    const sources = indexed.filter((rel) => caseLanguageOf(rel, repo.language)).map((rel) => ({ rel, text: texts.get(rel)! }));
    const modules = repoModules(dir);
    const std = values['keep-stdlib-members'] ? undefined : await stdlibMembers(repo.language);
    if (std && !std.ok) throw new Error(std.reason);
    const built = await buildCases(sources, repo.language, { perFile: PER_FILE, maxCases: MAX_CASES, modules, stdlibMembers: std?.names });
    const bm25 = new PlainBm25(indexed.map((rel) => ({ rel, lines: lines.get(rel)! })));
    const scored: Scored[] = [];
    for (const c of built.cases) {
      const r = await engine.completionCandidates({
        path: join(root, c.file),
        languageId: languageOfPath(c.file) ?? 'plaintext',
        prefix: c.prefix,
        suffix: c.suffix,
        line: c.line - 1,
        recentFiles: [],
        numCtx: 4096,
        outputReserve: 128,
        k: 10,
      });
      const prefixLines = c.prefix.split('\n');
      const tandemRank = rankOf(r.chunks, c);
      if (process.env.TANDEM_BENCH_DEBUG && tandemRank > 1) {
        const got = r.chunks
          .slice(0, 3)
          .map((x) => `${x.file}:${x.startLine}-${x.endLine}[${x.sources.join('+')}]`)
          .join(' ');
        process.stderr.write(
          `MISS(${tandemRank}) ${repo.name} ${c.file}:${c.line}:${c.col} ${c.kind} ${c.name} gold ${c.goldFile}:${c.goldLine} got ${got}\n` +
            `  ${prefixLines[prefixLines.length - 1].trim().slice(-100)}\n`,
        );
      }
      const window = 30;
      scored.push({
        case: c,
        ranks: {
          tandem: tandemRank,
          bm25: rankOf(
            bm25.search(
              prefixLines.slice(-10).join('\n'),
              (d) => d.file === c.file && d.startLine <= c.line + window && d.endLine >= c.line - window,
            ),
            c,
          ),
          'jaccard-windows': rankOf(
            jaccardWindows(prefixLines.slice(-20).join('\n'), neighbours(c, built.declaringFiles, indexed, lines)),
            c,
          ),
        },
      });
    }
    return {
      scored,
      report: {
        name: repo.name,
        source: repo.source,
        commit: repo.commit,
        language: repo.language,
        split: repo.split,
        indexedFiles: stats.files,
        chunks: stats.chunks,
        indexSec,
        parsers,
        modules,
        sourceFiles: sources.length,
        unambiguousNames: built.unambiguousNames,
        candidateCases: built.candidates,
        stdlib: std
          ? { source: std.source, methods: std.names.size, ambiguousUses: built.stdlibAmbiguous }
          : 'not used (--keep-stdlib-members)',
        cases: built.cases.length,
        kinds: Object.fromEntries(KINDS.map((k) => [k, built.cases.filter((c) => c.kind === k).length])),
        ...summarize(scored),
      },
    };
  } finally {
    await engine.dispose();
    rmSync(home, { recursive: true, force: true });
  }
}

/** Which parser the index used per file (`heuristic` for an index without that column). */
function parserCounts(store: IndexStore): Record<string, number> {
  const cols = store.db.prepare("SELECT name FROM pragma_table_info('files')").all() as Array<{ name: string }>;
  if (!cols.some((c) => c.name === 'parser')) return { heuristic: store.counts().files };
  const rows = store.db.prepare('SELECT parser, count(*) AS n FROM files GROUP BY parser ORDER BY parser').all() as Array<{
    parser: string;
    n: number;
  }>;
  return Object.fromEntries(rows.map((r) => [r.parser, r.n]));
}

/**
 * The "open tabs" of the Jaccard baseline: files declaring names used above the cursor
 * (most recently used first), then the current file's folder; at most 20, never the
 * current file.
 */
function neighbours(c: Case, declaring: Map<string, string[]>, indexed: string[], lines: Map<string, string[]>) {
  const out: string[] = [];
  const add = (f: string) => {
    if (f !== c.file && !out.includes(f) && out.length < 20) out.push(f);
  };
  const idents = c.prefix.match(/[A-Za-z_$][\w$]*/g) ?? [];
  for (let i = idents.length - 1; i >= 0 && out.length < 20; i--) for (const f of declaring.get(idents[i]) ?? []) add(f);
  const dir = posix.dirname(c.file);
  for (const f of indexed) if (posix.dirname(f) === dir) add(f);
  return out.map((rel) => ({ rel, lines: lines.get(rel)! }));
}

async function main() {
  const all = readRepoList(resolve(values.list!));
  const wanted = values.repos?.split(',').filter((r) => r !== '');
  const unknown = wanted?.filter((w) => !all.some((r) => r.name === w)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown repositories: ${unknown.join(', ')} (see ${values.list})`);
  const repos = wanted ? all.filter((r) => wanted.includes(r.name)) : all;
  const reports = [];
  const missing: string[] = [];
  const pooled = new Map<string, Scored[]>();
  for (const repo of repos) {
    const x = extract(repo);
    if (!x.ok) {
      missing.push(x.reason);
      process.stderr.write(`bench:retrieval: skipping ${x.reason}\n`);
      continue;
    }
    process.stderr.write(`bench:retrieval: ${repo.name} (${repo.language}, ${repo.split})…\n`);
    const { scored, report } = await evaluate(repo, x.dir);
    reports.push(report);
    const key = `${repo.language}/${repo.split}`;
    pooled.set(key, [...(pooled.get(key) ?? []), ...scored]);
  }
  const byLanguage: Record<string, Record<string, unknown>> = {};
  for (const [key, scored] of [...pooled].sort()) {
    const [lang, split] = key.split('/');
    byLanguage[lang] ??= {};
    byLanguage[lang][split] = {
      repos: reports.filter((r) => r.language === lang && r.split === split).map((r) => r.name),
      ...summarize(scored),
    };
  }
  const out = {
    benchmark: 'retrieval-quality',
    engine: { retrieval: 'bm25-only', reason: 'no embed model in the benchmark: vector retrieval is off, as without an embed backend' },
    settings: { maxCasesPerRepo: MAX_CASES, perFile: PER_FILE, numCtx: 4096, outputReserve: 128, k: 10, cache: cacheDir() },
    byLanguage,
    repos: reports,
    missing,
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  if (missing.length > 0) {
    process.stderr.write(`bench:retrieval: ${missing.length} repositories missing; the figures above leave them out.\n`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
