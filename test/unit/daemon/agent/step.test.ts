import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StepBuilder, minimalEdit } from '../../../../daemon/agent/step';
import { WorkspaceFiles } from '../../../../daemon/agent/workspace-files';
import { applyTextEdits } from '../../../../daemon/edit/apply';
import { contentHash } from '../../../../shared/hash';

describe('agent steps', () => {
  let root: string;
  beforeEach(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'tandem-step-')));
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'a.ts'), 'one\ntwo\nthree\n');
    writeFileSync(join(root, 'src', 'b.ts'), 'b\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('minimalEdit keeps the common prefix and suffix and round-trips', () => {
    for (const [a, b] of [
      ['one\ntwo\nthree\n', 'one\n2\nthree\n'],
      ['abc', 'abXYc'],
      ['same', 'same'],
      ['', 'new'],
      ['x\r\ny\r\n', 'x\r\nz\r\n'],
      ['😀a', '😁a'],
    ]) {
      const e = minimalEdit(a!, b!);
      assert.equal(applyTextEdits(a!, [e]), b, `${JSON.stringify(a)} → ${JSON.stringify(b)}`);
    }
    assert.deepEqual(minimalEdit('one\ntwo\nthree\n', 'one\n2\nthree\n').range, {
      start: { line: 1, character: 0 },
      end: { line: 1, character: 3 },
    });
  });

  it('merges two edits of one file into one change against the text before the step, and keeps the before-texts', () => {
    const files = new WorkspaceFiles([root], root);
    const step = new StepBuilder('t:s1', files);
    const a = join(root, 'src', 'a.ts');
    step.add('c1', { stage: [{ path: a, text: 'one\n2\nthree\n' }] });
    assert.equal(files.text(a), 'one\n2\nthree\n', 'later tools of the step see the pending write');
    step.add('c2', { stage: [{ path: a, text: 'one\n2\n3\n' }] });
    step.add('c3', { stage: [{ path: join(root, 'src', 'c.ts'), text: 'c\n' }] });
    const { changes, before } = step.changes();
    assert.equal(changes.length, 2);
    const modify = changes[0]!;
    assert.equal(modify.kind, 'modify');
    assert.equal(modify.kind === 'modify' && modify.baseHash, contentHash('one\ntwo\nthree\n'));
    assert.equal(modify.kind === 'modify' && applyTextEdits('one\ntwo\nthree\n', modify.edits), 'one\n2\n3\n');
    assert.deepEqual(changes[1], { kind: 'create', path: join(root, 'src', 'c.ts'), text: 'c\n', stepId: 't:s1' });
    assert.deepEqual(before, { [a]: 'one\ntwo\nthree\n', [join(root, 'src', 'c.ts')]: null });
    files.settle(false, step.paths());
    assert.equal(files.text(a), 'one\ntwo\nthree\n', 'a rejected step leaves nothing behind');
  });

  it('puts a rename first and refuses a second change of a renamed file in the same step', () => {
    const files = new WorkspaceFiles([root], root);
    const step = new StepBuilder('t:s1', files);
    const b = join(root, 'src', 'b.ts');
    const moved = join(root, 'src', 'moved.ts');
    step.add('c1', {
      stage: [
        { path: b, text: null },
        { path: moved, text: 'b\n' },
      ],
      rename: { from: b, to: moved },
    });
    assert.throws(
      () =>
        step.add('c2', {
          stage: [
            { path: moved, text: null },
            { path: b, text: 'b\n' },
          ],
          rename: { from: moved, to: b },
        }),
      /already changed in this step/,
    );
    const { changes } = step.changes();
    assert.deepEqual(changes, [{ kind: 'rename', path: b, newPath: moved, baseHash: contentHash('b\n'), stepId: 't:s1' }]);
  });

  it('WorkspaceFiles refuses paths outside the roots and in .git, and explains files it cannot read', () => {
    const files = new WorkspaceFiles([root], root);
    assert.throws(
      () => files.resolve('../x'),
      (e: Error & { status?: string }) => e.status === 'denied' && /climbs out/.test(e.message),
    );
    assert.throws(() => files.resolve('.git/HEAD'), /\.git/);
    assert.throws(() => files.resolve(''), /empty/);
    assert.equal(files.resolve('src/a.ts').relative, 'src/a.ts');
    writeFileSync(join(root, 'bin.dat'), Buffer.from([0, 1, 2, 3]));
    assert.throws(() => files.readText(files.resolve('bin.dat')), /binary/);
    assert.throws(() => files.readText(files.resolve('src')), /directory/);
    assert.throws(() => files.readText(files.resolve('nope.ts')), /does not exist/);
    const withDoc = new WorkspaceFiles([root], root, [{ path: join(root, 'src', 'a.ts'), text: 'unsaved\n' }]);
    assert.equal(withDoc.readText(withDoc.resolve('src/a.ts')), 'unsaved\n', 'the editor’s unsaved text wins over the disk');
  });
});
