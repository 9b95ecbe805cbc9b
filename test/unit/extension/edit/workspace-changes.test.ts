/**
 * The extension's pure edit logic: which diagnostics a fix targets, the re-check of
 * proposed changes before the WorkspaceEdit, the simple-mode direct-apply rule and the
 * outcome watcher.
 */
import assert from 'node:assert/strict';
import type { FileChange, FixDiagnostic, TextEdit } from '../../../../protocol';
import { contentHash } from '../../../../shared/hash';
import type { PathFs } from '../../../../shared/paths';
import { diagnosticsAtCursor, diagnosticsForFile, MAX_FIX_DIAGNOSTICS } from '../../../../extension/edit/fix-targets';
import { FixOutcomeWatch, mapLines, remainingTargets } from '../../../../extension/edit/outcome-watch';
import {
  checkEdits,
  prepareChanges,
  shouldApplyDirectly,
  toEditorPath,
  type ChangeEnvironment,
} from '../../../../extension/edit/workspace-changes';
import { FakeClock } from '../fake-clock';

const range = (sl: number, sc: number, el: number, ec: number) => ({
  start: { line: sl, character: sc },
  end: { line: el, character: ec },
});
const diag = (message: string, r = range(0, 0, 0, 1), severity: FixDiagnostic['severity'] = 'error', code?: number): FixDiagnostic => ({
  message,
  severity,
  source: 'ts',
  ...(code !== undefined ? { code } : {}),
  range: r,
});

describe('fix targets', () => {
  const diags = [
    diag('unused', range(1, 0, 1, 5), 'hint'),
    diag('warn on line 3', range(3, 4, 3, 8), 'warning'),
    diag('error on line 3', range(3, 10, 3, 14), 'error'),
    diag('error on line 3', range(3, 10, 3, 14), 'error'),
    diag('error on line 9', range(9, 0, 9, 3), 'error'),
  ];

  it('at the cursor: the problems containing it, else those on its line, most severe first', () => {
    assert.deepEqual(
      diagnosticsAtCursor(diags, { line: 3, character: 5 }).map((d) => d.message),
      ['warn on line 3'],
    );
    assert.deepEqual(
      diagnosticsAtCursor(diags, { line: 3, character: 0 }).map((d) => d.message),
      ['error on line 3', 'warn on line 3'],
    );
    assert.deepEqual(diagnosticsAtCursor(diags, { line: 5, character: 0 }), []);
  });

  it('in a file: errors and warnings in document order, hints only when nothing else, capped', () => {
    assert.deepEqual(
      diagnosticsForFile(diags).map((d) => d.message),
      ['warn on line 3', 'error on line 3', 'error on line 9'],
    );
    assert.deepEqual(
      diagnosticsForFile([diag('h', range(0, 0, 0, 1), 'hint')]).map((d) => d.message),
      ['h'],
    );
    const many = Array.from({ length: 30 }, (_, k) => diag(`e${k}`, range(k, 0, k, 1)));
    assert.equal(diagnosticsForFile(many).length, MAX_FIX_DIAGNOSTICS);
  });
});

describe('proposed changes, checked again in the extension', () => {
  const files = new Map<string, string>([
    ['/home/u/ws/src/a.ts', 'const a = 1;\nconst b = 2;\n'],
    ['/home/u/ws/src/b.ts', 'b\n'],
  ]);
  // The editor opened the folder through a link: /home/u/ws is really /data/ws.
  const fs: PathFs = {
    exists: (p) =>
      p === '/data/ws' || p === '/data/ws/src' || (p.startsWith('/data/ws/src/') && files.has(p.replace('/data/ws', '/home/u/ws'))),
    realpath: (p) => p,
  };
  const env: ChangeEnvironment = {
    folders: [{ path: '/home/u/ws', realPath: '/data/ws' }],
    currentText: (p) => files.get(p),
    exists: (p) => files.has(p),
    flavor: 'posix',
    fs,
  };
  const A = files.get('/home/u/ws/src/a.ts')!;
  const edit: TextEdit = { range: range(1, 10, 1, 11), newText: '3' };

  it("maps the daemon's real paths back to the editor's folder path", () => {
    assert.equal(toEditorPath('/data/ws/src/a.ts', env.folders, 'posix'), '/home/u/ws/src/a.ts');
    assert.equal(toEditorPath('/data/wsx/a.ts', env.folders, 'posix'), '/data/wsx/a.ts');
    assert.equal(toEditorPath('C:\\Real\\WS\\a.ts', [{ path: 'D:\\ws', realPath: 'c:\\real\\ws' }], 'win32'), 'D:\\ws\\a.ts');
  });

  it('keeps sound changes and refuses unsafe paths, stale hashes and existing targets with reasons', () => {
    const changes: FileChange[] = [
      { kind: 'modify', path: '/data/ws/src/a.ts', baseHash: contentHash(A), edits: [edit], description: 'bump b' },
      { kind: 'modify', path: '/data/ws/src/b.ts', baseHash: contentHash('old b\n'), edits: [] },
      { kind: 'create', path: '/data/ws/src/c.ts', text: 'c\n', stepId: 's3' },
      { kind: 'create', path: '/data/ws/src/b.ts', text: 'again\n' },
      { kind: 'modify', path: '/etc/passwd', baseHash: 'x', edits: [] },
      { kind: 'delete', path: '/data/ws/.git/config', baseHash: 'x' },
      { kind: 'rename', path: '/data/ws/src/b.ts', newPath: '/data/ws/src/a.ts', baseHash: contentHash('b\n') },
    ];
    const prepared = prepareChanges(changes, env);
    assert.deepEqual(prepared.operations, [
      { kind: 'modify', path: '/home/u/ws/src/a.ts', edits: [edit], label: 'bump b' },
      { kind: 'create', path: '/home/u/ws/src/c.ts', text: 'c\n', label: 'Create file', stepId: 's3' },
    ]);
    assert.deepEqual(
      prepared.refused.map((r) => r.kind),
      ['changed_since_planning', 'exists', 'unsafe_path', 'unsafe_path', 'exists'],
    );
    assert.match(prepared.refused[0]!.reason, /edited after Tandem read it/);
    assert.match(prepared.refused[2]!.reason, /outside every workspace folder/);
    assert.match(prepared.refused[3]!.reason, /\.git/);
  });

  it('refuses edits out of range or overlapping', () => {
    assert.match((checkEdits(A, [{ range: range(7, 0, 7, 1), newText: '' }]) as { reason: string }).reason, /past the end/);
    assert.match(
      (
        checkEdits(A, [
          { range: range(0, 0, 0, 5), newText: '' },
          { range: range(0, 3, 0, 8), newText: '' },
        ]) as { reason: string }
      ).reason,
      /overlap/,
    );
    const ok = checkEdits(A, [edit, { range: range(0, 0, 0, 5), newText: 'let' }]);
    assert.ok(ok.ok);
    assert.deepEqual(
      ok.edits.map((e) => e.range.start.line),
      [0, 1],
    );
  });

  it('applies directly only in simple mode, for one small refusal-free edit', () => {
    const small = { operations: [{ kind: 'modify' as const, path: '/p', edits: [edit], label: 'x' }], refused: [] };
    assert.equal(shouldApplyDirectly('simple', small), true);
    assert.equal(shouldApplyDirectly('advanced', small), false);
    assert.equal(shouldApplyDirectly('simple', { ...small, refused: [{ kind: 'no_match', reason: 'r' }] }), false);
    const big = {
      operations: [{ kind: 'modify' as const, path: '/p', edits: [{ range: range(0, 0, 20, 0), newText: '' }], label: 'x' }],
      refused: [],
    };
    assert.equal(shouldApplyDirectly('simple', big), false);
    const two = { operations: [...small.operations, { kind: 'create' as const, path: '/q', text: '', label: 'c' }], refused: [] };
    assert.equal(shouldApplyDirectly('simple', two), false);
  });
});

describe('fix outcome watch', () => {
  const target = diag("Cannot find name 'foo'.", range(10, 2, 10, 5), 'error', 2304);

  it('carries target lines through the applied edits', () => {
    assert.deepEqual(mapLines(range(10, 0, 10, 5), [{ range: range(2, 0, 2, 0), newText: 'a\nb\n' }]), [12, 12]);
    assert.deepEqual(mapLines(range(10, 0, 10, 5), [{ range: range(3, 0, 6, 0), newText: '' }]), [7, 7]);
    assert.deepEqual(mapLines(range(10, 0, 10, 5), [{ range: range(10, 0, 10, 5), newText: 'x\ny' }]), [10, 11]);
    assert.deepEqual(mapLines(range(10, 0, 10, 5), [{ range: range(20, 0, 20, 0), newText: 'z\n' }]), [10, 10]);
  });

  it('matches by source and code (or message) near the mapped lines', () => {
    const edits = [{ range: range(0, 0, 0, 0), newText: "import { foo } from './foo';\n" }];
    assert.equal(remainingTargets([target], edits, [{ ...target, range: range(11, 2, 11, 5) }]).length, 1);
    assert.equal(remainingTargets([target], edits, [{ ...target, range: range(40, 2, 40, 5) }]).length, 0);
    assert.equal(remainingTargets([target], edits, [{ ...target, code: 2552, range: range(11, 2, 11, 5) }]).length, 0);
  });

  it('decides resolved only after an update stays quiet, unresolved at the timeout', async () => {
    const clock = new FakeClock();
    let current: FixDiagnostic[] = [target];
    const watch = new FixOutcomeWatch({ targets: [target], edits: [], read: () => current, clock, settleMs: 1000, timeoutMs: 10_000 });
    let verdict: unknown;
    void watch.done.then((v) => (verdict = v));
    current = [];
    watch.update();
    await clock.advance(500);
    current = [target]; // the server published again: the problem is back
    watch.update();
    await clock.advance(2000);
    assert.equal(verdict, undefined);
    current = [];
    watch.update();
    await clock.advance(1000);
    assert.deepEqual(verdict, { outcome: 'resolved', resolved: 1, targets: 1 });

    const clock2 = new FakeClock();
    const stuck = new FixOutcomeWatch({
      targets: [target, diag('other', range(1, 0, 1, 1))],
      edits: [],
      read: () => [target],
      clock: clock2,
      timeoutMs: 10_000,
    });
    let v2: unknown;
    void stuck.done.then((v) => (v2 = v));
    stuck.update();
    await clock2.advance(9_999);
    assert.equal(v2, undefined);
    await clock2.advance(1);
    assert.deepEqual(v2, { outcome: 'unresolved', resolved: 1, targets: 2 });
    assert.equal(clock2.pendingTimers, 0);
  });
});
