import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileRow } from '../../../../daemon/context/index-store';
import type { CompletionContextRequest } from '../../../../daemon/context/types';
import { warmCompletionPath, warmUpFiles, warmUpPlaces } from '../../../../daemon/context/warm-up';
import type { WorkspaceIndex } from '../../../../daemon/context/workspace';
import { copyFixtureRepo, makeEngine, MemoryLogger, shapesRequest, tempDir } from './helpers';

const row = (path: string, language: string, mtimeMs: number, over: Partial<FileRow> = {}): FileRow => ({
  id: 0,
  path,
  hash: path,
  size: 100,
  mtimeMs,
  language,
  parser: `tree-sitter:${language}`,
  ...over,
});

describe('context/warm-up', () => {
  describe('warmUpFiles', () => {
    it('takes the newest file of each parsed language first, then the newest others', () => {
      const files = [
        row('a.ts', 'typescript', 50),
        row('b.ts', 'typescript', 90),
        row('c.go', 'go', 10),
        row('d.ts', 'typescript', 70),
        row('e.py', 'python', 20),
      ];
      assert.deepEqual(
        warmUpFiles(files, 4, 1000).map((f) => f.path),
        ['b.ts', 'e.py', 'c.go', 'd.ts'],
      );
    });

    it('leaves out files no grammar parsed, empty ones and ones over the size limit', () => {
      const files = [
        row('notes.md', 'markdown', 99, { parser: 'heuristic' }),
        row('empty.ts', 'typescript', 98, { size: 0 }),
        row('huge.ts', 'typescript', 97, { size: 5000 }),
        row('ok.ts', 'typescript', 1),
      ];
      assert.deepEqual(
        warmUpFiles(files, 10, 1000).map((f) => f.path),
        ['ok.ts'],
      );
    });
  });

  describe('warmUpPlaces', () => {
    it('spreads places over the lines, at each line’s indentation, past blank lines', () => {
      const text = ['a', '', '  b();', 'c', '', '    d;', 'e'].join('\n');
      const places = warmUpPlaces(text, 2);
      assert.deepEqual(
        places.map((p) => [p.line, p.character]),
        [
          [2, 2],
          [5, 4],
        ],
      );
      for (const p of places) {
        const before = text.slice(0, p.offset).split('\n');
        assert.equal(before.length - 1, p.line);
        assert.equal(before[before.length - 1].length, p.character);
      }
    });

    it('gives one place per line at most in a short file', () => {
      assert.deepEqual(
        warmUpPlaces('only', 3).map((p) => p.line),
        [0],
      );
    });
  });

  describe('warmCompletionPath', () => {
    function fakeRoot(files: Record<string, string>) {
      const t = tempDir('warm-up');
      const rows = new Map<string, FileRow>();
      let mtime = 1;
      for (const [rel, text] of Object.entries(files)) {
        mkdirSync(join(t.dir, rel, '..'), { recursive: true });
        writeFileSync(join(t.dir, rel), text);
        rows.set(rel, row(rel, 'typescript', mtime++, { size: Buffer.byteLength(text) }));
      }
      const ws = { root: t.dir, store: { files: () => rows } } as unknown as WorkspaceIndex;
      return { ws, cleanup: t.cleanup };
    }

    it('prepares completions at places in the files, each layout in turn, and says what it did', async () => {
      const { ws, cleanup } = fakeRoot({
        'src/a.ts': 'export const a = 1;\nexport function f() {\n  return a;\n}\n',
        'src/b.ts': 'import { a } from "./a";\nconsole.log(a);\n',
      });
      try {
        const asked: Array<Omit<CompletionContextRequest, 'completionId'>> = [];
        const logger = new MemoryLogger();
        const report = await warmCompletionPath(
          {
            ws,
            prepare: async (req) => {
              asked.push(req);
              return { prefix: req.prefix, suffix: req.suffix, layout: 'comments', tokens: 1, contextChunks: 0, elapsedMs: 0 };
            },
            interrupted: () => undefined,
            now: () => performance.now(),
            logger,
          },
          { assemblies: 3, perFile: 2 },
        );
        assert.equal(report.assemblies, 3);
        assert.equal(report.files, 2);
        assert.equal(report.stopped, undefined);
        // The newest file first (b.ts), its places, then a.ts's.
        assert.deepEqual(
          asked.map((r) => [r.path, r.line, r.layout]),
          [
            [join(ws.root, 'src/b.ts'), 0, 'comments'],
            [join(ws.root, 'src/b.ts'), 1, 'qwen-repo'],
            [join(ws.root, 'src/a.ts'), 1, 'starcoder-repo'],
          ],
        );
        for (const r of asked) {
          assert.deepEqual(r.roots, [ws.root]);
          assert.match(r.skipVector ?? '', /no query is sent to the embedding model/);
        }
        assert.ok(logger.lines.some((l) => l.startsWith('info ') && l.includes('completion path warmed with 3 assemblies over 2 files')));
      } finally {
        cleanup();
      }
    });

    it('stops at the first reason it is given, and when an assembly fails', async () => {
      const { ws, cleanup } = fakeRoot({ 'a.ts': 'x\ny\nz\nw\n', 'b.ts': 'p\nq\nr\n' });
      try {
        let calls = 0;
        const ok = async () => {
          calls++;
          return { prefix: '', suffix: '', layout: 'comments' as const, tokens: 0, contextChunks: 0, elapsedMs: 0 };
        };
        const stopped = await warmCompletionPath(
          {
            ws,
            prepare: ok,
            interrupted: () => (calls >= 2 ? 'completions were asked for' : undefined),
            now: () => 0,
            logger: new MemoryLogger(),
          },
          { assemblies: 10 },
        );
        assert.equal(stopped.assemblies, 2);
        assert.equal(stopped.stopped, 'completions were asked for');

        const failed = await warmCompletionPath(
          {
            ws,
            prepare: async () => {
              throw new Error('database closed');
            },
            interrupted: () => undefined,
            now: () => 0,
            logger: new MemoryLogger(),
          },
          { assemblies: 10 },
        );
        assert.equal(failed.assemblies, 0);
        assert.equal(failed.stopped, 'an assembly failed: database closed');

        let clock = 0;
        const timedOut = await warmCompletionPath(
          { ws, prepare: async () => ((clock += 40), ok()), interrupted: () => undefined, now: () => clock, logger: new MemoryLogger() },
          { assemblies: 10, maxMs: 100 },
        );
        assert.equal(timedOut.assemblies, 3);
        assert.equal(timedOut.stopped, 'its 100 ms were up');
      } finally {
        cleanup();
      }
    });

    it('waits for the search thread before its first assembly, and no longer than its time allows', async () => {
      const { ws, cleanup } = fakeRoot({ 'a.ts': 'x\ny\n' });
      try {
        const order: string[] = [];
        const prepare = async () => {
          order.push('assembly');
          return { prefix: '', suffix: '', layout: 'comments' as const, tokens: 0, contextChunks: 0, elapsedMs: 0 };
        };
        const base = { ws, prepare, interrupted: () => undefined, now: () => performance.now(), logger: new MemoryLogger() };
        let started = 0;
        const searchReady = () => {
          started++;
          return new Promise<boolean>((r) => setTimeout(() => (order.push('thread ready'), r(true)), 30));
        };
        const report = await warmCompletionPath({ ...base, searchReady }, { assemblies: 2 });
        assert.equal(started, 1);
        assert.deepEqual(order, ['thread ready', 'assembly', 'assembly']);
        assert.equal(report.assemblies, 2);

        // A thread that never starts: the warm-up goes on once its time is up (and then stops, having none left).
        order.length = 0;
        const stuck = await warmCompletionPath({ ...base, searchReady: () => new Promise<boolean>(() => undefined) }, { maxMs: 50 });
        assert.deepEqual(order, []);
        assert.equal(stuck.stopped, 'its 50 ms were up');
        // One that fails to start: the assemblies run (on the daemon's thread, as a user's would).
        const failed = await warmCompletionPath({ ...base, searchReady: () => Promise.reject(new Error('no worker')) }, { assemblies: 1 });
        assert.equal(failed.assemblies, 1);
      } finally {
        cleanup();
      }
    });
  });

  describe('in the engine', () => {
    it('warms after the first index, before indexRoot resolves, and leaves every prompt as it would have been', async () => {
      const t = tempDir('warm-engine');
      try {
        const root = copyFixtureRepo(t.dir);
        const warm = makeEngine(join(t.dir, 'home-warm'), { watch: { enabled: false } }, { warmUp: { assemblies: 8 } });
        const cold = makeEngine(join(t.dir, 'home-cold'), { watch: { enabled: false } });
        try {
          await warm.engine.indexRoot(root);
          await cold.engine.indexRoot(root);
          const report = await warm.engine.warmUpReport(root);
          assert.equal(report?.assemblies, 8);
          assert.ok(report!.files >= 4);
          assert.equal(report?.stopped, undefined);
          assert.equal(await cold.engine.warmUpReport(root), undefined);
          // Prepare mode recorded nothing.
          assert.equal(warm.engine.diagnostics('warm-up'), undefined);
          assert.ok(warm.logger.lines.some((l) => l.includes('completion path warmed with 8 assemblies')));
          for (const line of [5, 21]) {
            const a = await warm.engine.assembleCompletion({ ...shapesRequest(root, line), completionId: `w${line}` });
            const b = await cold.engine.assembleCompletion({ ...shapesRequest(root, line), completionId: `c${line}` });
            assert.equal(a.prefix, b.prefix);
            assert.equal(a.suffix, b.suffix);
            assert.ok(a.contextChunks > 0);
          }
          // Asked for explicitly (bench:context does), once per root: a second call gives the first's report.
          const explicit = await cold.engine.warmUpRoot(root, { assemblies: 2 });
          assert.equal(explicit?.assemblies, 2);
          assert.equal(await cold.engine.warmUpRoot(root, { assemblies: 5 }), explicit);
          assert.equal(await cold.engine.warmUpReport(root), explicit);
        } finally {
          await warm.engine.dispose();
          await cold.engine.dispose();
        }
      } finally {
        t.cleanup();
      }
    });

    it('does not warm once a client has asked for a completion (its own work warms the code), but does after a prepare', async () => {
      const t = tempDir('warm-asked');
      try {
        const root = copyFixtureRepo(t.dir);
        const typing = makeEngine(join(t.dir, 'home-typing'), { watch: { enabled: false } }, { warmUp: true }).engine;
        const opening = makeEngine(join(t.dir, 'home-opening'), { watch: { enabled: false } }, { warmUp: { assemblies: 4 } }).engine;
        try {
          const indexing = typing.indexRoot(root);
          await typing.assembleCompletion({ ...shapesRequest(root, 5), completionId: 'typed' });
          await indexing;
          const stopped = await typing.warmUpReport(root);
          assert.equal(stopped?.assemblies, 0);
          assert.equal(stopped?.stopped, 'completions were asked for');

          // The extension prepares the active editor as soon as it connects.
          const opened = opening.indexRoot(root);
          await opening.prepareCompletion(shapesRequest(root, 5));
          await opened;
          const warmed = await opening.warmUpReport(root);
          assert.equal(warmed?.assemblies, 4);
          assert.equal(warmed?.stopped, undefined);
        } finally {
          await typing.dispose();
          await opening.dispose();
        }
      } finally {
        t.cleanup();
      }
    });

    it('stops when the engine is disposed under it, without an error', async () => {
      const t = tempDir('warm-dispose');
      try {
        const root = join(t.dir, 'repo');
        mkdirSync(root);
        for (let i = 0; i < 40; i++)
          writeFileSync(
            join(root, `m${i}.ts`),
            Array.from({ length: 30 }, (_, k) => `export function f${i}_${k}(x: number) {\n  return x + ${k};\n}`).join('\n'),
          );
        const { engine, logger } = makeEngine(
          join(t.dir, 'home'),
          { watch: { enabled: false } },
          { warmUp: { assemblies: 1000, perFile: 25, maxMs: 60_000 } },
        );
        const indexing = engine.indexRoot(root);
        while (engine.progress()[0]?.state !== 'ready') await new Promise((r) => setTimeout(r, 2));
        await engine.dispose();
        await indexing;
        const report = await engine.warmUpReport(root);
        assert.equal(report?.stopped, 'the engine is closing');
        assert.ok(report!.assemblies < 1000);
        assert.ok(!logger.lines.some((l) => l.startsWith('error ') || l.startsWith('warn ')), logger.lines.join('\n'));
      } finally {
        t.cleanup();
      }
    });
  });
});
