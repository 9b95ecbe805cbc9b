import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnalysisPool, resetAnalysisPoolState } from '../../../../daemon/context/analysis-pool';
import { analyzeForIndex, type AnalysisRequest } from '../../../../daemon/context/file-analysis';
import { IndexStore } from '../../../../daemon/context/index-store';
import { storeDirFor } from '../../../../daemon/context/workspace';
import { loadGrammar } from '../../../../daemon/context/syntax/grammars';
import { MemoryLogger, makeEngine, tempDir } from './helpers';

const chunk = { maxLines: 60, maxChars: 3000 };
const files: AnalysisRequest[] = [
  {
    text: 'import { b } from "./b";\nexport class Pool {\n  acquire(): number {\n    return b();\n  }\n}\n',
    language: 'typescript',
    chunk,
  },
  { text: 'package a\n\nimport "fmt"\n\nfunc A() { fmt.Println(1) }\n', language: 'go', chunk },
  { text: 'def f(x):\n    return x\n\nclass C:\n    pass\n', language: 'python', chunk },
  { text: 'fun main() {\n  println(1)\n}\n', language: 'kotlin', chunk },
];

describe('context/analysis-pool: parsing in index workers', function () {
  this.timeout(60_000);
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    resetAnalysisPoolState();
    t = tempDir('pool');
  });
  afterEach(() => {
    resetAnalysisPoolState();
    t.cleanup();
  });

  it('analyses in workers exactly as in-process: chunks, facts and terms', async () => {
    for (const g of ['typescript', 'go', 'python'] as const) await loadGrammar(g);
    const logger = new MemoryLogger();
    const pool = await AnalysisPool.start({ size: 2, logger });
    try {
      assert.equal(pool.usesWorkers, true);
      const got = await Promise.all(files.map((f) => pool.analyze(f)));
      assert.deepEqual(got, files.map(analyzeForIndex));
      assert.deepEqual(
        got.map((a) => a.syntax.parser),
        ['tree-sitter:typescript', 'tree-sitter:go', 'tree-sitter:python', 'heuristic'],
      );
      assert.deepEqual(logger.lines, []);
    } finally {
      await pool.close();
    }
  });

  it('falls back in-process when the worker cannot start, says so once, and does not try again', async () => {
    const broken = join(t.dir, 'broken-worker.js');
    writeFileSync(broken, 'throw new Error("no grammar runtime here");\n');
    const logger = new MemoryLogger();
    const first = await AnalysisPool.start({ size: 1, logger, file: broken });
    assert.equal(first.usesWorkers, false);
    assert.deepEqual(await first.analyze(files[0]), analyzeForIndex(files[0]));
    await first.close();
    const second = await AnalysisPool.start({ size: 1, logger });
    assert.equal(second.usesWorkers, false, 'a failed start is remembered');
    await second.close();
    const warnings = logger.lines.filter((l) => l.startsWith('warn'));
    assert.equal(warnings.length, 1, logger.lines.join('\n'));
    assert.match(warnings[0], /parsing files in-process .*no grammar runtime here/);
  });

  it('loses no file when a worker dies mid-walk: its pending files are analysed in-process', async () => {
    const dying = join(t.dir, 'dying-worker.js');
    writeFileSync(
      dying,
      "const { parentPort } = require('node:worker_threads');\nparentPort.postMessage({ ready: true });\nparentPort.on('message', () => process.exit(3));\n",
    );
    const logger = new MemoryLogger();
    const pool = await AnalysisPool.start({ size: 1, logger, file: dying });
    assert.equal(pool.usesWorkers, true);
    const got = await Promise.all(files.map((f) => pool.analyze(f)));
    assert.deepEqual(got, files.map(analyzeForIndex));
    assert.equal(pool.usesWorkers, false);
    assert.ok(
      logger.lines.some((l) => /exited with code 3/.test(l)),
      logger.lines.join('\n'),
    );
    await pool.close();
  });

  it('a cold walk parses in workers and indexes exactly what an in-process walk does', async () => {
    const root = join(t.dir, 'repo');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(root);
    for (let i = 0; i < 40; i++) {
      writeFileSync(
        join(root, `m${i}.ts`),
        `import { f${(i + 1) % 40} } from './m${(i + 1) % 40}';\n\nexport function f${i}(x: number): number {\n  return f${(i + 1) % 40}(x) + ${i};\n}\n`,
      );
    }
    const snapshot = (home: string) => {
      const store = new IndexStore(join(storeDirFor(home, root), 'index.db'));
      try {
        const rows = store.db
          .prepare(
            `SELECT f.path, f.parser, c.start_line, c.end_line, c.symbols, c.text FROM chunks c JOIN files f ON f.id = c.file_id ORDER BY f.path, c.start_line`,
          )
          .all();
        const syntax = [...store.files().keys()].sort().map((p) => store.syntaxOf(p));
        const hits = store.bm25('"f7"', 5).length;
        return { rows, syntax, hits };
      } finally {
        store.close();
      }
    };
    const homes = [join(t.dir, 'home-workers'), join(t.dir, 'home-in-process')];
    const stats = [];
    for (const [i, home] of homes.entries()) {
      const { engine } = makeEngine(home, {
        watch: { enabled: false },
        embeddings: { enabled: false },
        index: { workers: i === 0 ? 2 : 0 },
      });
      stats.push(await engine.indexRoot(root));
      await engine.dispose();
    }
    assert.equal(stats[0].analyzedIn, 'worker');
    assert.equal(stats[1].analyzedIn, 'in-process');
    assert.equal(stats[0].indexed, 40);
    assert.deepEqual(stats[0].parsers, { 'tree-sitter:typescript': 40 });
    const [a, b] = homes.map(snapshot);
    assert.deepEqual(a, b);
    assert.ok(a.hits > 0);
  });
});
