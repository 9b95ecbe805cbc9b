import assert from 'node:assert/strict';
import { ChangeSet, replaceAll, type AppliedStep } from '../../../../daemon/agent/change-set';
import { applyTextEdits } from '../../../../daemon/edit/apply';
import { contentHash } from '../../../../shared/hash';

const A0 = 'const a = 1;\n';
const step = (stepId: string, before: Record<string, string | null>, changes: AppliedStep['changes']): AppliedStep => ({
  stepId,
  appliedAt: 1,
  before,
  changes,
});

/** Apply a change list to an in-memory file system, checking hashes as the client does. */
function applyAll(fs: Map<string, string>, changes: AppliedStep['changes']): void {
  for (const c of changes) {
    if (c.kind === 'create') {
      assert.ok(!fs.has(c.path), `create ${c.path}: exists`);
      fs.set(c.path, c.text);
      continue;
    }
    const text = fs.get(c.path);
    assert.equal(text !== undefined && contentHash(text), c.baseHash, `${c.kind} ${c.path}: base hash`);
    if (c.kind === 'modify') fs.set(c.path, applyTextEdits(text!, c.edits));
    else if (c.kind === 'delete') fs.delete(c.path);
    else {
      fs.delete(c.path);
      fs.set(c.newPath, text!);
    }
  }
}

describe('ChangeSet', () => {
  it('undoes modify, create, delete and rename across several steps back to the state before the task', () => {
    const fs = new Map([
      ['/w/a.ts', A0],
      ['/w/old.md', '# old\n'],
      ['/w/r.ts', 'export {};\n'],
    ]);
    const before = new Map(fs);
    const s1 = step('s1', { '/w/a.ts': A0, '/w/new.ts': null }, [
      { kind: 'modify', path: '/w/a.ts', baseHash: contentHash(A0), edits: replaceAll(A0, 'const a = 2;\n') },
      { kind: 'create', path: '/w/new.ts', text: 'new\n' },
    ]);
    applyAll(fs, s1.changes);
    const s2 = step('s2', { '/w/a.ts': 'const a = 2;\n', '/w/old.md': '# old\n', '/w/r.ts': 'export {};\n', '/w/moved.ts': null }, [
      { kind: 'modify', path: '/w/a.ts', baseHash: contentHash('const a = 2;\n'), edits: replaceAll('const a = 2;\n', 'const a = 3;\n') },
      { kind: 'delete', path: '/w/old.md', baseHash: contentHash('# old\n') },
      { kind: 'rename', path: '/w/r.ts', newPath: '/w/moved.ts', baseHash: contentHash('export {};\n') },
    ]);
    applyAll(fs, s2.changes);
    const s3 = step('s3', { '/w/moved.ts': 'export {};\n' }, [
      {
        kind: 'modify',
        path: '/w/moved.ts',
        baseHash: contentHash('export {};\n'),
        edits: replaceAll('export {};\n', 'export const x = 1;\n'),
      },
    ]);
    applyAll(fs, s3.changes);

    const set = new ChangeSet([s1, s2, s3], (p) => p.slice(3));
    assert.deepEqual(
      set.files().map((f) => [f.relativePath, f.beforeHash !== null, f.afterHash !== null, f.renamedFrom ?? null]),
      [
        ['a.ts', true, true, null],
        ['new.ts', false, true, null],
        ['old.md', true, false, null],
        ['moved.ts', true, true, '/w/r.ts'],
      ],
    );
    assert.deepEqual(
      set.conflicts((p) => fs.get(p)),
      [],
    );
    applyAll(fs, set.undo());
    assert.deepEqual(new Map([...fs].sort()), new Map([...before].sort()));
  });

  it('names the files changed after the agent, and leaves out files that ended as they started', () => {
    const s1 = step('s1', { '/w/a.ts': A0 }, [
      { kind: 'modify', path: '/w/a.ts', baseHash: contentHash(A0), edits: replaceAll(A0, 'x\n') },
    ]);
    const s2 = step('s2', { '/w/a.ts': 'x\n' }, [
      { kind: 'modify', path: '/w/a.ts', baseHash: contentHash('x\n'), edits: replaceAll('x\n', A0) },
    ]);
    assert.deepEqual(new ChangeSet([s1, s2]).files(), []);
    assert.deepEqual(new ChangeSet([s1, s2]).undo(), []);
    const set = new ChangeSet([s1]);
    assert.deepEqual(
      set.conflicts(() => 'edited by the user\n'),
      [{ path: '/w/a.ts', reason: 'The file changed after the agent edited it; undoing would lose those changes.' }],
    );
    assert.match(set.conflicts(() => undefined)[0]!.reason, /gone/);
  });

  it('replaceAll covers the whole text, trailing newline included', () => {
    for (const text of ['', 'one line', 'a\nb\n', 'a\r\nb']) assert.equal(applyTextEdits(text, replaceAll(text, 'NEW')), 'NEW');
  });
});
