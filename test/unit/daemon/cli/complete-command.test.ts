import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveInRoot, splitAt } from '../../../../daemon/cli/complete-command';
import { UsageError } from '../../../../daemon/cli/command';

describe('tandemd complete: cursor and path handling', () => {
  it('splits at 1-based line and column', () => {
    const text = 'ab\ncdef\n';
    assert.deepEqual(splitAt(text, 1, 1), { prefix: '', suffix: text });
    assert.deepEqual(splitAt(text, 2, 3), { prefix: 'ab\ncd', suffix: 'ef\n' });
    assert.deepEqual(splitAt(text, 2, 5), { prefix: 'ab\ncdef', suffix: '\n' });
  });

  it('rejects positions outside the file with the valid range', () => {
    assert.throws(
      () => splitAt('a\nb', 3, 1),
      (e: Error) => e instanceof UsageError && /1–2/.test(e.message),
    );
    assert.throws(
      () => splitAt('abc', 1, 5),
      (e: Error) => e instanceof UsageError && /1–4/.test(e.message),
    );
  });

  it('confines --file to --root, symlinks included', () => {
    const base = mkdtempSync(join(tmpdir(), 'tandem-cc-'));
    try {
      const root = join(base, 'repo');
      mkdirSync(join(root, 'src'), { recursive: true });
      writeFileSync(join(root, 'src', 'a.ts'), 'x');
      writeFileSync(join(base, 'secret.txt'), 's');
      symlinkSync(join(base, 'secret.txt'), join(root, 'link.txt'));
      assert.match(resolveInRoot(root, 'src/a.ts').path, /repo\/src\/a\.ts$/);
      assert.throws(() => resolveInRoot(root, '../secret.txt'), /outside --root/);
      assert.throws(() => resolveInRoot(root, 'link.txt'), /outside --root/);
      assert.throws(() => resolveInRoot(root, join(base, 'secret.txt')), /outside --root/);
      assert.throws(() => resolveInRoot(root, 'missing.ts'), /does not exist/);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
