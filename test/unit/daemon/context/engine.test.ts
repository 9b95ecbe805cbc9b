import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, TandemError, isCancellation } from '../../../../protocol';
import { ConfigError } from '../../../../daemon/config';
import { TokenCounter } from '../../../../daemon/context/budget';
import { ContextConfigError, parseContextConfig } from '../../../../daemon/context/config';
import type { IndexProgress } from '../../../../daemon/context/types';
import { contextDiagnostics, contextSearch, indexProgressParams } from '../../../../daemon/context/rpc';
import { copyFixtureRepo, cursorAt, makeEngine, shapesRequest, tempDir } from './helpers';

describe('context/engine', () => {
  let t: ReturnType<typeof tempDir>;
  let root: string;
  let engine: ReturnType<typeof makeEngine>['engine'];
  const progress: IndexProgress[][] = [];
  before(async () => {
    t = tempDir('engine');
    root = copyFixtureRepo(t.dir);
    engine = makeEngine(join(t.dir, 'home')).engine;
    engine.onProgress((p) => progress.push(p));
    await engine.registerRoot(root);
    await engine.indexRoot(root);
  });
  after(async () => {
    await engine.dispose();
    t.cleanup();
  });

  const shapes = () => readFileSync(join(root, 'src/geometry/shapes.ts'), 'utf8');
  const complete = (id: string, line: number, over: Record<string, unknown> = {}) =>
    engine.assembleCompletion({ completionId: id, ...shapesRequest(root, line), ...over });

  it('reports progress: indexing, then ready with every file done', () => {
    const last = progress[progress.length - 1];
    assert.deepEqual(last, [{ root, filesDone: 7, filesTotal: 7, state: 'ready' }]);
    assert.ok(progress.some((p) => p[0]?.state === 'indexing'));
    assert.deepEqual(engine.roots(), [root]);
    assert.deepEqual(indexProgressParams(engine.progress()), { roots: [{ root, filesDone: 7, filesTotal: 7, state: 'ready' }] });
  });

  it('renders retrieved chunks as comments with their paths, imported definitions first, before the prefix', async () => {
    const a = await complete('render', 21);
    const { prefix } = cursorAt(shapes(), 21);
    assert.ok(a.contextChunks >= 2);
    assert.ok(a.prefix.endsWith(prefix), 'the whole (short) prefix follows the context');
    const context = a.prefix.slice(0, a.prefix.length - prefix.length);
    const lines = context.split('\n').filter((l) => l !== '');
    assert.ok(
      lines.every((l) => l.startsWith('//')),
      'every context line is a comment',
    );
    const paths = lines.filter((l) => l.startsWith('// Path: ')).map((l) => l.slice('// Path: '.length));
    assert.equal(paths[paths.length - 1], 'src/geometry/shapes.ts', 'the current file is named last');
    assert.match(paths[0], /^src\/math\/(matrix|vector)\.ts \(lines \d+-\d+\)$/);
    assert.match(context, /\/\/ export function dotProduct\(a: Vector2, b: Vector2\): number \{/);
    // Deterministic: the same request gives the same prompt.
    const again = await complete('render-2', 21);
    assert.equal(again.prefix, a.prefix);
  });

  it('retrieves members of a namespace import being typed (`ns.|`), by name affinity with the line', async () => {
    const { writeFileSync } = await import('node:fs');
    const file = join(root, 'src/geometry/normals.ts');
    const text = "import * as vec from '../math/vector';\n\nexport function unitNormal(v: vec.Vector2) {\n  return vec.";
    writeFileSync(file, text);
    const r = await engine.retrieve({ path: file, languageId: 'typescript', prefix: text, suffix: '', line: 3 });
    assert.equal(r.chunks[0].file, 'src/math/vector.ts');
    assert.ok(r.chunks[0].signals.includes('namespace-member'));
    const typed = await engine.retrieve({ path: file, languageId: 'typescript', prefix: `${text}norm`, suffix: '', line: 3 });
    assert.ok(typed.chunks[0].symbols.includes('normalizeVector'), JSON.stringify(typed.chunks[0]));
  });

  it('never uses the window around the cursor from the current file', async () => {
    await complete('window', 21);
    const d = engine.diagnostics('window')!;
    for (const c of d.candidates) assert.notEqual(c.file, 'src/geometry/shapes.ts', `${c.file}:${c.startLine}`);
  });

  it('records diagnostics: retrievers, candidates with scores, sources and tokens, budget and clipping', async () => {
    // Another place first: on the last prompt's line (an earlier test's) BM25 would not run.
    await complete('diag-elsewhere', 5);
    const a = await complete('diag', 21);
    const d = engine.diagnostics('diag')!;
    assert.equal(d.kind, 'completion');
    assert.equal(d.root, root);
    assert.equal(d.file, 'src/geometry/shapes.ts');
    assert.equal(d.line, 21);
    assert.deepEqual(
      d.retrievers.map((r) => [r.name, r.status]),
      [
        ['vector', 'skipped'],
        ['imports', 'done'],
        ['definitions', 'done'],
        ['bm25', 'done'],
      ],
    );
    const selected = d.candidates.filter((c) => c.outcome === 'selected' || c.outcome === 'compacted');
    assert.equal(selected.length, a.contextChunks);
    for (const c of selected) assert.ok(c.tokens > 0 && c.score > 0 && c.sources.length > 0);
    const dot = d.candidates.find((c) => c.file === 'src/math/vector.ts' && c.sources.includes('imports'));
    assert.ok(dot, 'the definitions of imported symbols are candidates');
    assert.ok(dot.signals.includes('imported-file'));
    assert.equal(d.budget.total, 3968);
    assert.equal(d.tokens.total, a.tokens);
    assert.deepEqual(d.clipped, { prefix: false, suffix: false, prefixLines: 21, suffixLines: shapes().split('\n').length - 20 });
  });

  it('reports exactly the tokens of the prompt it returns, for clipped prefixes that start indented too', async () => {
    const counter = new TokenCounter();
    try {
      const lines = shapes().split('\n').length;
      let indented = 0;
      // Small budgets force clipping, so many prefixes start mid-function (indented).
      for (const numCtx of [300, 420, 4096]) {
        for (let line = 2; line <= lines; line++) {
          const a = await complete(`exact-${numCtx}-${line}`, line, { numCtx, outputReserve: 64 });
          const d = engine.diagnostics(`exact-${numCtx}-${line}`)!;
          assert.equal(a.tokens, counter.count(a.prefix) + counter.count(a.suffix), `line ${line}, numCtx ${numCtx}`);
          assert.ok(a.tokens <= numCtx - 64, `line ${line}, numCtx ${numCtx}: ${a.tokens} over budget`);
          const marker = '// Path: src/geometry/shapes.ts\n';
          const clipped = a.prefix.slice(a.prefix.lastIndexOf(marker) + marker.length);
          if (a.contextChunks > 0 && d.clipped.prefix && /^[ \t]/.test(clipped)) indented++;
        }
      }
      assert.ok(indented > 0, 'some prompts joined context to a prefix that starts indented');
    } finally {
      counter.dispose();
    }
  });

  it('compacts before dropping when the candidates exceed the threshold of a small budget', async () => {
    const a = await complete('tight', 21, { numCtx: 700, outputReserve: 100 });
    const d = engine.diagnostics('tight')!;
    assert.equal(d.compaction.ran, true);
    assert.ok(d.tokens.total <= 600);
    assert.ok(a.tokens <= 600);
    assert.ok(d.candidates.some((c) => c.outcome === 'dropped' || c.outcome === 'compacted'));
  });

  it('stays with the document alone when the context engine is disabled', async () => {
    const off = makeEngine(join(t.dir, 'home-off'), { enabled: false }).engine;
    try {
      await off.registerRoot(root);
      const { prefix, suffix } = cursorAt(shapes(), 21);
      const a = await off.assembleCompletion({
        completionId: 'off',
        path: join(root, 'src/geometry/shapes.ts'),
        languageId: 'typescript',
        prefix,
        suffix,
        line: 20,
        character: 0,
        recentFiles: [],
        numCtx: 4096,
        outputReserve: 128,
        deadlineMs: 30,
      });
      assert.equal(a.contextChunks, 0);
      assert.equal(a.prefix, prefix);
      assert.equal(a.suffix, suffix);
    } finally {
      await off.dispose();
    }
  });

  it('prepares a document before its first completion: its counts cached, nothing recorded, and the completion after it the same', async () => {
    // Names no other test counts (the pre-token cache is the process's).
    const tag = Array.from(randomBytes(10), (b) => String.fromCharCode(97 + (b % 26))).join('');
    const text = [
      "import { area, Shape } from './geometry/shapes';",
      '',
      `export function ${tag}Total(shapes: Shape[]): number {`,
      `  let ${tag}Sum = 0;`,
      `  for (const s of shapes) ${tag}Sum += area(s);`,
      `  return ${tag}Sum;`,
      '}',
      '',
    ].join('\n');
    writeFileSync(join(root, 'src/probe.ts'), text);
    const doc = () => ({
      path: join(root, 'src/probe.ts'),
      languageId: 'typescript',
      ...cursorAt(text, 5),
      line: 4,
      character: 0,
      recentFiles: [],
      numCtx: 4096,
      outputReserve: 128,
      deadlineMs: 10_000,
    });
    const counter = new TokenCounter();
    try {
      const before = counter.remembered;
      const prepared = await engine.prepareCompletion(doc());
      assert.ok(prepared.contextChunks >= 1, 'the imported definitions were retrieved');
      assert.ok(counter.remembered > before, "the document's pre-tokens are remembered");
      const warm = counter.remembered;
      counter.count(doc().prefix);
      counter.count(doc().suffix);
      assert.equal(counter.remembered, warm, 'counting the document again needs no new pre-token');
    } finally {
      counter.dispose();
    }
    assert.equal(engine.diagnostics('prepare'), undefined);

    const after = await engine.assembleCompletion({ ...doc(), completionId: 'after-prepare' });
    assert.ok(engine.diagnostics('after-prepare'));
    // An engine that never prepared it gives the same prompt.
    const other = tempDir('engine-unprepared');
    // The same files (earlier tests added some to the fixture's).
    const otherRoot = join(other.dir, 'repo');
    cpSync(root, otherRoot, { recursive: true });
    const fresh = makeEngine(join(other.dir, 'home')).engine;
    try {
      await fresh.registerRoot(otherRoot);
      await fresh.indexRoot(otherRoot);
      const unprepared = await fresh.assembleCompletion({ ...doc(), completionId: 'unprepared', path: join(otherRoot, 'src/probe.ts') });
      assert.equal(after.prefix, unprepared.prefix);
      assert.equal(after.suffix, unprepared.suffix);
      assert.equal(after.tokens, unprepared.tokens);
    } finally {
      await fresh.dispose();
      other.cleanup();
    }
  });

  it('rejects with a cancellation when the request is aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    const { prefix, suffix } = cursorAt(shapes(), 21);
    const req = {
      completionId: 'aborted',
      path: join(root, 'src/geometry/shapes.ts'),
      languageId: 'typescript',
      prefix,
      suffix,
      line: 20,
      character: 0,
      recentFiles: [],
      numCtx: 4096,
      outputReserve: 128,
      deadlineMs: 30,
    };
    await assert.rejects(engine.assembleCompletion(req, ac.signal), (err: unknown) => isCancellation(err));
  });

  it('assembles chat context with the project rules, within the budget', async () => {
    const counter = new TokenCounter();
    try {
      const c = await engine.assembleChat({
        requestId: 'chat-1',
        query: 'How does Circle.contains use dotProduct?',
        path: join(root, 'src/geometry/shapes.ts'),
        budgetTokens: 3000,
      });
      assert.deepEqual(
        c.rules.map((r) => r.path),
        ['AGENTS.md', '.tandem/rules.md'],
      );
      assert.match(c.text, /^Project rules \(AGENTS\.md\):\n# Project rules/);
      assert.match(c.text, /Prefer named exports/);
      assert.match(c.text, /src\/math\/vector\.ts \(lines \d+-\d+\):\n```typescript\n/);
      assert.equal(c.tokens, counter.count(c.text));
      assert.ok(c.tokens <= 3000);
      assert.equal(engine.diagnostics('chat-1')!.kind, 'chat');
      assert.deepEqual(engine.diagnostics('chat-1')!.rules, ['AGENTS.md', '.tandem/rules.md']);

      const small = await engine.assembleChat({ query: 'dotProduct', root, budgetTokens: 20 });
      assert.ok(small.tokens <= 20, `${small.tokens}`);
      assert.equal(small.tokens, counter.count(small.text));
    } finally {
      counter.dispose();
    }
  });

  it('rpc handlers: diagnostics by id (NotFound for unknown ids) and search', async () => {
    await complete('rpc', 21);
    assert.equal(contextDiagnostics(engine, { completionId: 'rpc' }).completionId, 'rpc');
    assert.throws(
      () => contextDiagnostics(engine, { completionId: 'nope' }),
      (err: unknown) => err instanceof TandemError && err.code === ErrorCodes.NotFound,
    );
    const r = await contextSearch(engine, { query: 'Matrix2 determinant' }, [root]);
    assert.equal(r.hits[0].file, 'src/math/matrix.ts');
    assert.equal(r.hits[0].root, root);
    await assert.rejects(
      contextSearch(engine, { query: 'x', root: join(t.dir, 'nowhere') }, [root]),
      (err: unknown) => err instanceof TandemError && err.code === ErrorCodes.WorkspaceNotRegistered,
    );
    // Another session's root is not searched, named or not.
    assert.deepEqual((await contextSearch(engine, { query: 'Matrix2 determinant' }, [])).hits, []);
    await assert.rejects(
      contextSearch(engine, { query: 'x', root }, []),
      (err: unknown) => err instanceof TandemError && err.code === ErrorCodes.WorkspaceNotRegistered,
    );
  });

  it('keeps only the configured number of diagnostics', async () => {
    const small = makeEngine(join(t.dir, 'home-diag'), { diagnosticsRetention: 2 }).engine;
    try {
      for (const id of ['a', 'b', 'c']) {
        await small.assembleCompletion({
          completionId: id,
          path: '/nowhere/x.ts',
          languageId: 'typescript',
          prefix: 'const x = 1;\n',
          suffix: '',
          line: 1,
          character: 0,
          recentFiles: [],
          numCtx: 1024,
          outputReserve: 64,
          deadlineMs: 30,
        });
      }
      assert.equal(small.diagnostics('a'), undefined);
      assert.ok(small.diagnostics('b') && small.diagnostics('c'));
    } finally {
      await small.dispose();
    }
  });
});

describe('context/config', () => {
  it('fills every default from an empty section and reports bad keys by path', () => {
    const c = parseContextConfig({});
    assert.equal(c.completion.deadlineMs, 30);
    assert.deepEqual(c.completion.shares, { prefix: 0.5, suffix: 0.15, context: 0.35 });
    assert.equal(c.retrieval.weights.imports, 1.5);
    assert.equal(parseContextConfig({ completion: { shares: { prefix: 0.6 } } }).completion.shares.suffix, 0.15);
    assert.throws(
      () => parseContextConfig({ completion: { deadlineMs: -1 }, tokenizer: 'gpt2' }),
      (err: unknown) =>
        err instanceof ContextConfigError &&
        err instanceof ConfigError &&
        /context\.completion\.deadlineMs/.test(err.message) &&
        /context\.tokenizer/.test(err.message),
    );
  });
});
