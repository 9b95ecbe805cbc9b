/**
 * Retrieval quality on real code: cross-file completion cases from a real public code
 * base available locally (default: the TypeScript sources of zod, shipped in
 * node_modules/zod/src, and the JavaScript of ESLint in node_modules/eslint/lib), scored
 * for Tandem's retriever against two baselines implemented here:
 *
 *  - `jaccard-windows`: what Copilot does with neighbouring tabs — Jaccard similarity
 *    between the last 20 lines before the cursor and every 20-line sliding window of the
 *    "open" files (simulated generously: the files the current file imports plus the
 *    files of its folder);
 *  - `bm25-last-lines`: plain BM25 (k1 1.2, b 0.75, whole lowercase words, no identifier
 *    splitting, no signals) over the same chunks Tandem indexes, queried with the last
 *    10 lines before the cursor.
 *
 * A case is the first line of a file that uses an identifier imported from another file
 * of the repository (named, namespace `ns.x`, or CommonJS `require` imports); the cursor
 * sits right before the identifier, every method sees only the text before the cursor
 * (no suffix), so the identifier appears above the cursor only in its import statement.
 * Gold is the definition line of the identifier in the imported file: a retrieved item is
 * correct when it is from that file and spans that line. Reports acc@1, acc@5, MRR@10.
 *
 *   npm run bench:retrieval [-- --corpus DIR[,DIR...] --max-cases 400]
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseContextConfig } from '../daemon/context/config';
import { TandemContextEngine } from '../daemon/context/engine';
import { IndexStore } from '../daemon/context/index-store';
import { languageOfPath } from '../daemon/context/languages';
import { storeDirFor } from '../daemon/context/workspace';
import { nullLogger } from '../daemon/log';

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: 'node_modules/zod/src,node_modules/eslint/lib' },
    'max-cases': { type: 'string', default: '400' },
    'per-file': { type: 'string', default: '3' },
  },
});
const MAX_CASES = Number(values['max-cases']);
const PER_FILE = Number(values['per-file']);

interface Case {
  file: string;
  line: number; // 1-based
  col: number; // 1-based
  ident: string;
  goldFile: string;
  goldLine: number;
}

interface Ranked {
  file: string;
  startLine: number;
  endLine: number;
}

// ---- case construction (independent of the engine's own import parser) ---------------

const importPatterns: Array<{ re: RegExp; kind: 'named' | 'namespace' }> = [
  { re: /import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+["'](\.{1,2}\/[^"']+)["']/g, kind: 'named' },
  { re: /import\s+(?:type\s+)?\*\s+as\s+([A-Za-z_$][\w$]*)\s+from\s+["'](\.{1,2}\/[^"']+)["']/g, kind: 'namespace' },
  { re: /(?:const|let|var)\s+\{([^}]*)\}\s*=\s*require\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g, kind: 'named' },
  { re: /(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*require\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g, kind: 'namespace' },
];

function resolveModule(root: string, fromRel: string, spec: string): string | undefined {
  const base = posix.normalize(posix.join(posix.dirname(fromRel), spec));
  if (base.startsWith('..')) return undefined;
  const stem = base.replace(/\.(m|c)?js$/, '');
  for (const c of [base, `${stem}.ts`, `${stem}.js`, `${base}.ts`, `${base}.js`, `${base}/index.ts`, `${base}/index.js`]) {
    if (existsSync(join(root, c)) && /\.(ts|js)$/.test(c)) return c;
  }
  return undefined;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function definitionLine(text: string, name: string): number | undefined {
  const lines = text.split('\n');
  const patterns = [
    new RegExp(
      `^\\s*(?:export\\s+)?(?:default\\s+)?(?:declare\\s+)?(?:abstract\\s+)?(?:async\\s+)?(?:function\\*?|class|interface|type|enum|const|let|var|namespace)\\s+${esc(name)}\\b`,
    ),
    new RegExp(`^\\s*${esc(name)}\\s*[:=]\\s*(?:async\\s+)?(?:function|class|\\(|[A-Za-z_$][\\w$]*\\s*=>)`),
  ];
  for (const re of patterns) {
    const i = lines.findIndex((l) => re.test(l));
    if (i >= 0) return i + 1;
  }
  return undefined;
}

function buildCases(root: string, files: string[]): Case[] {
  const cases: Case[] = [];
  for (const file of files) {
    if (!/\.(ts|js)$/.test(file) || /(^|\/)(tests?|__tests__)\//.test(file) || file.endsWith('.d.ts')) continue;
    const text = readFileSync(join(root, file), 'utf8');
    const lines = text.split('\n');
    const imported: Array<{ local: string; name: string; target: string; namespace: boolean; importLine: number }> = [];
    for (const { re, kind } of importPatterns) {
      for (const m of text.matchAll(re)) {
        const target = resolveModule(root, file, m[2]);
        if (!target) continue;
        // The statement's last line: a multi-line import ends there.
        const importLine = text.slice(0, (m.index ?? 0) + m[0].length).split('\n').length;
        if (kind === 'namespace') imported.push({ local: m[1], name: '', target, namespace: true, importLine });
        else {
          for (const part of m[1].split(',')) {
            const p = /^\s*(?:type\s+)?([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?\s*$/.exec(part.replace(/\/\/.*$/gm, ''));
            if (p) imported.push({ local: p[2] ?? p[1], name: p[1], target, namespace: false, importLine });
          }
        }
      }
    }
    const lastImport = Math.max(0, ...imported.map((i) => i.importLine));
    const perFile: Case[] = [];
    const seen = new Set<string>();
    for (let li = lastImport; li < lines.length && perFile.length < PER_FILE; li++) {
      const line = lines[li];
      if (/^\s*(import|export\s+\*|export\s+\{.*\}\s+from)|require\(/.test(line) || /^\s*(\/\/|\*)/.test(line)) continue;
      for (const imp of imported) {
        let m: RegExpExecArray | null;
        let name: string;
        let col: number;
        if (imp.namespace) {
          m = new RegExp(`(?<![\\w$.])${esc(imp.local)}\\.([A-Za-z_$][\\w$]*)`).exec(line);
          if (!m) continue;
          name = m[1];
          // The qualifier is typed (`ns.`); the member is what the completion must produce.
          col = m.index + imp.local.length + 2;
        } else {
          m = new RegExp(`(?<![\\w$.])${esc(imp.local)}(?![\\w$])`).exec(line);
          if (!m) continue;
          name = imp.name;
          col = m.index + 1;
        }
        const key = imp.namespace ? `${imp.local}.${name}` : imp.local;
        if (seen.has(key)) continue;
        seen.add(key);
        // Only the first use: above the cursor the identifier appears in its import alone.
        const before = lines.slice(lastImport, li).join('\n');
        if (new RegExp(`(?<![\\w$])${esc(imp.namespace ? `${imp.local}.${name}` : imp.local)}(?![\\w$])`).test(before)) continue;
        const goldLine = definitionLine(readFileSync(join(root, imp.target), 'utf8'), name);
        if (goldLine === undefined) continue;
        perFile.push({ file, line: li + 1, col, ident: key, goldFile: imp.target, goldLine });
        if (perFile.length >= PER_FILE) break;
      }
    }
    cases.push(...perFile);
  }
  return cases.slice(0, MAX_CASES);
}

// ---- baselines ------------------------------------------------------------------------

const words = (text: string) => (text.toLowerCase().match(/[a-z_$][a-z0-9_$]*/g) ?? []).filter((w) => w.length > 1);

function jaccardWindows(root: string, c: Case, prefixLines: string[], importsOf: (f: string) => string[], allFiles: string[]): Ranked[] {
  const query = new Set(words(prefixLines.slice(-20).join('\n')));
  const dir = posix.dirname(c.file);
  const neighbours = new Set([...importsOf(c.file), ...allFiles.filter((f) => posix.dirname(f) === dir && f !== c.file)]);
  const scored: Array<Ranked & { score: number }> = [];
  for (const f of [...neighbours].sort()) {
    const lines = readFileSync(join(root, f), 'utf8').split('\n');
    const W = 20;
    for (let s = 0; s < Math.max(1, lines.length - W + 1); s++) {
      const win = new Set(words(lines.slice(s, s + W).join('\n')));
      let inter = 0;
      for (const w of win) if (query.has(w)) inter++;
      const union = query.size + win.size - inter;
      scored.push({ file: f, startLine: s + 1, endLine: Math.min(lines.length, s + W), score: union === 0 ? 0 : inter / union });
    }
  }
  scored.sort((a, b) => b.score - a.score || (a.file < b.file ? -1 : 1) || a.startLine - b.startLine);
  // Greedy non-overlapping selection, as a prompt builder would do.
  const out: Ranked[] = [];
  for (const w of scored) {
    if (out.some((o) => o.file === w.file && w.startLine <= o.endLine && o.startLine <= w.endLine)) continue;
    out.push(w);
    if (out.length >= 10) break;
  }
  return out;
}

class PlainBm25 {
  private readonly docs: Array<Ranked & { tf: Map<string, number>; len: number }> = [];
  private readonly df = new Map<string, number>();
  private avgLen = 0;

  constructor(chunks: Array<Ranked & { text: string }>) {
    for (const c of chunks) {
      const tf = new Map<string, number>();
      const ws = words(c.text);
      for (const w of ws) tf.set(w, (tf.get(w) ?? 0) + 1);
      for (const w of tf.keys()) this.df.set(w, (this.df.get(w) ?? 0) + 1);
      this.docs.push({ file: c.file, startLine: c.startLine, endLine: c.endLine, tf, len: ws.length });
    }
    this.avgLen = this.docs.reduce((s, d) => s + d.len, 0) / Math.max(1, this.docs.length);
  }

  search(query: string, exclude: (d: Ranked) => boolean, k = 10): Ranked[] {
    const q = new Set(words(query));
    const N = this.docs.length;
    const scored: Array<{ d: Ranked; s: number }> = [];
    for (const d of this.docs) {
      if (exclude(d)) continue;
      let s = 0;
      for (const w of q) {
        const f = d.tf.get(w);
        if (!f) continue;
        const df = this.df.get(w)!;
        const idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
        s += (idf * f * 2.2) / (f + 1.2 * (0.25 + (0.75 * d.len) / this.avgLen));
      }
      if (s > 0) scored.push({ d, s });
    }
    scored.sort((a, b) => b.s - a.s || (a.d.file < b.d.file ? -1 : 1) || a.d.startLine - b.d.startLine);
    return scored.slice(0, k).map((x) => x.d);
  }
}

// ---- scoring --------------------------------------------------------------------------

function rankOf(results: Ranked[], c: Case): number {
  const i = results.slice(0, 10).findIndex((r) => r.file === c.goldFile && r.startLine <= c.goldLine && c.goldLine <= r.endLine);
  return i < 0 ? Infinity : i + 1;
}

function metrics(ranks: number[]) {
  const n = ranks.length || 1;
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    'acc@1': r3(ranks.filter((r) => r <= 1).length / n),
    'acc@5': r3(ranks.filter((r) => r <= 5).length / n),
    'mrr@10': r3(ranks.reduce((s, r) => s + (r <= 10 ? 1 / r : 0), 0) / n),
  };
}

async function evaluate(corpus: string) {
  const root = resolve(corpus);
  const home = mkdtempSync(join(tmpdir(), 'tandem-bench-retrieval-'));
  const engine = new TandemContextEngine({
    home,
    config: parseContextConfig({ index: { excludeDirs: ['.git', 'node_modules'] }, watch: { enabled: false } }),
    logger: nullLogger,
  });
  try {
    const stats = await engine.indexRoot(root);
    const store = new IndexStore(join(storeDirFor(home, engine.roots()[0]), 'index.db'));
    const files = [...store.files().keys()].sort();
    const allChunks = store.chunks(files.flatMap((f) => store.chunkIdsOf(f)));
    store.close();
    const chunks = [...allChunks.values()].map((c) => ({ file: c.path, startLine: c.startLine, endLine: c.endLine, text: c.text }));
    const bm25 = new PlainBm25(chunks);
    const cases = buildCases(engine.roots()[0], files);
    const importsCache = new Map<string, string[]>();
    const importsOf = (f: string) => {
      let v = importsCache.get(f);
      if (!v) {
        const text = readFileSync(join(root, f), 'utf8');
        v = [];
        for (const { re } of importPatterns)
          for (const m of text.matchAll(re)) {
            const t = resolveModule(root, f, m[2]);
            if (t && !v.includes(t)) v.push(t);
          }
        importsCache.set(f, v);
      }
      return v;
    };
    const ranks = { tandem: [] as number[], 'jaccard-windows': [] as number[], 'bm25-last-lines': [] as number[] };
    for (const c of cases) {
      const text = readFileSync(join(root, c.file), 'utf8');
      const lines = text.split('\n');
      const prefixLines = lines.slice(0, c.line - 1).concat(lines[c.line - 1].slice(0, c.col - 1));
      const prefix = prefixLines.join('\n');
      const r = await engine.completionCandidates({
        path: join(engine.roots()[0], c.file),
        languageId: languageOfPath(c.file) ?? 'plaintext',
        prefix,
        suffix: '',
        line: c.line - 1,
        recentFiles: [],
        numCtx: 4096,
        outputReserve: 128,
        k: 10,
      });
      ranks.tandem.push(rankOf(r.chunks, c));
      if (process.env.TANDEM_BENCH_DEBUG && rankOf(r.chunks, c) > 1) {
        process.stderr.write(
          `MISS ${c.file}:${c.line}:${c.col} ${c.ident} gold ${c.goldFile}:${c.goldLine} got ${r.chunks
            .slice(0, 3)
            .map((x) => `${x.file}:${x.startLine}-${x.endLine}[${x.sources.join('+')}]`)
            .join(' ')}\n  ${lines[c.line - 1].trim().slice(0, 100)}\n`,
        );
      }
      ranks['jaccard-windows'].push(rankOf(jaccardWindows(root, c, prefixLines, importsOf, files), c));
      const window = 30;
      ranks['bm25-last-lines'].push(
        rankOf(
          bm25.search(
            prefixLines.slice(-10).join('\n'),
            (d) => d.file === c.file && d.startLine <= c.line + window && d.endLine >= c.line - window,
          ),
          c,
        ),
      );
    }
    return {
      corpus: corpus,
      files: stats.files,
      chunks: stats.chunks,
      cases: cases.length,
      crossFileKinds: {
        named: cases.filter((c) => !c.ident.includes('.')).length,
        namespaceMember: cases.filter((c) => c.ident.includes('.')).length,
      },
      byKind: Object.fromEntries(
        (['named', 'namespaceMember'] as const).map((kind) => {
          const idx = cases.map((c, i) => ((c.ident.includes('.') ? 'namespaceMember' : 'named') === kind ? i : -1)).filter((i) => i >= 0);
          return [kind, Object.fromEntries(Object.entries(ranks).map(([m, r]) => [m, metrics(idx.map((i) => r[i]))]))];
        }),
      ),
      results: {
        tandem: metrics(ranks.tandem),
        'jaccard-windows': metrics(ranks['jaccard-windows']),
        'bm25-last-lines': metrics(ranks['bm25-last-lines']),
      },
    };
  } finally {
    await engine.dispose();
    rmSync(home, { recursive: true, force: true });
  }
}

async function main() {
  const corpora = values.corpus!.split(',').filter((c) => c !== '');
  const out = [];
  for (const c of corpora) {
    if (!existsSync(c)) throw new Error(`corpus ${c} does not exist (run from the repository root after npm install)`);
    const pkg = join(dirname(resolve(c)), 'package.json');
    const meta = existsSync(pkg)
      ? (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string; version?: string; repository?: unknown })
      : {};
    out.push({ package: meta.name ? `${meta.name}@${meta.version}` : undefined, repository: meta.repository, ...(await evaluate(c)) });
  }
  const beats = out.every(
    (r) =>
      r.results.tandem['acc@1'] > Math.max(r.results['jaccard-windows']['acc@1'], r.results['bm25-last-lines']['acc@1']) &&
      r.results.tandem['acc@5'] > Math.max(r.results['jaccard-windows']['acc@5'], r.results['bm25-last-lines']['acc@5']) &&
      r.results.tandem['mrr@10'] > Math.max(r.results['jaccard-windows']['mrr@10'], r.results['bm25-last-lines']['mrr@10']),
  );
  process.stdout.write(`${JSON.stringify({ benchmark: 'retrieval-quality', corpora: out, tandemBeatsBothBaselines: beats }, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
