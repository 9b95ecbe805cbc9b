import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeReadFs, readInsideRoots, resolveWorkspacePath, type PathCheck, type PathFs, type ReadFs } from '../../../shared/paths';

function rule(check: PathCheck): string {
  return check.ok ? 'ok' : check.rule;
}

describe('edit path safety (real POSIX tree)', function () {
  if (process.platform === 'win32') return;
  let tmp: string;
  let root: string;
  let outside: string;

  before(() => {
    tmp = realpathSync(mkdtempSync(join(tmpdir(), 'tandem-paths-')));
    root = join(tmp, 'ws');
    outside = join(tmp, 'outside');
    mkdirSync(join(root, 'src'), { recursive: true });
    mkdirSync(join(root, '.git'), { recursive: true });
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(outside, 'secret.txt'), 'secret\n');
    symlinkSync(outside, join(root, 'escape'));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'src', 'secret-link.txt'));
    symlinkSync(join(root, 'src'), join(root, 'src-alias'));
    symlinkSync(join(root, '.git'), join(root, 'gitdir'));
    symlinkSync(join(tmp, 'nowhere'), join(root, 'dangling'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('accepts a relative path inside the root and reports the root-relative form', () => {
    const r = resolveWorkspacePath('src/a.ts', [root]);
    assert.ok(r.ok);
    assert.equal(r.path, join(root, 'src', 'a.ts'));
    assert.equal(r.relative, 'src/a.ts');
    assert.equal(r.root, root);
  });

  it('accepts a new file in a new directory', () => {
    const r = resolveWorkspacePath('src/new/deep/b.ts', [root]);
    assert.ok(r.ok);
    assert.equal(r.realPath, join(root, 'src', 'new', 'deep', 'b.ts'));
  });

  it('accepts an absolute path inside the root and ".." that stays inside', () => {
    assert.equal(rule(resolveWorkspacePath(join(root, 'src', 'a.ts'), [root])), 'ok');
    const r = resolveWorkspacePath('src/../src/./a.ts', [root]);
    assert.ok(r.ok);
    assert.equal(r.relative, 'src/a.ts');
  });

  it('refuses ".." traversal out of the root', () => {
    const r = resolveWorkspacePath('../outside/secret.txt', [root]);
    assert.equal(rule(r), 'traversal');
    assert.match((r as { reason: string }).reason, /climbs out/);
    assert.equal(rule(resolveWorkspacePath('src/../../outside/x', [root])), 'traversal');
  });

  it('refuses backslash traversal (model output written Windows-style)', () => {
    assert.equal(rule(resolveWorkspacePath('..\\outside\\secret.txt', [root])), 'traversal');
    const ok = resolveWorkspacePath('src\\a.ts', [root]);
    assert.ok(ok.ok);
    assert.equal(ok.relative, 'src/a.ts');
  });

  it('refuses absolute paths outside every root', () => {
    assert.equal(rule(resolveWorkspacePath('/etc/passwd', [root])), 'outside');
    assert.equal(rule(resolveWorkspacePath(join(outside, 'secret.txt'), [root])), 'outside');
    // A sibling whose name starts with the root's name is not inside it.
    assert.equal(rule(resolveWorkspacePath(`${root}-evil/x.ts`, [root])), 'outside');
  });

  it('refuses Windows absolute, UNC and drive paths on POSIX', () => {
    assert.equal(rule(resolveWorkspacePath('C:\\Windows\\system32\\drivers\\etc\\hosts', [root])), 'windows');
    assert.equal(rule(resolveWorkspacePath('c:/x.ts', [root])), 'windows');
    assert.equal(rule(resolveWorkspacePath('\\\\server\\share\\x.ts', [root])), 'windows');
  });

  it('refuses anything under .git, in any case, directly or through a link', () => {
    assert.equal(rule(resolveWorkspacePath('.git/config', [root])), 'git');
    assert.equal(rule(resolveWorkspacePath('.GIT/hooks/pre-commit', [root])), 'git');
    assert.equal(rule(resolveWorkspacePath('sub/.git/config', [root])), 'git');
    assert.equal(rule(resolveWorkspacePath('gitdir/config', [root])), 'git');
  });

  it('refuses symlink escapes (directory link, file link) and dangling links', () => {
    const dir = resolveWorkspacePath('escape/secret.txt', [root]);
    assert.equal(rule(dir), 'symlink');
    assert.match((dir as { reason: string }).reason, /symbolic link/);
    assert.equal(rule(resolveWorkspacePath('escape/new-file.ts', [root])), 'symlink');
    assert.equal(rule(resolveWorkspacePath('src/secret-link.txt', [root])), 'symlink');
    assert.equal(rule(resolveWorkspacePath('dangling', [root])), 'symlink');
  });

  it('allows a link that stays inside the workspace', () => {
    const r = resolveWorkspacePath('src-alias/a.ts', [root]);
    assert.ok(r.ok);
    assert.equal(r.realPath, join(root, 'src', 'a.ts'));
  });

  it('refuses empty, control characters, "~", URIs, the root itself and no roots', () => {
    assert.equal(rule(resolveWorkspacePath('  ', [root])), 'empty');
    assert.equal(rule(resolveWorkspacePath('src/a.ts\u0000.png', [root])), 'control');
    assert.equal(rule(resolveWorkspacePath('~/.ssh/authorized_keys', [root])), 'home');
    assert.equal(rule(resolveWorkspacePath('file:///etc/passwd', [root])), 'windows');
    assert.equal(rule(resolveWorkspacePath('.', [root])), 'root');
    assert.equal(rule(resolveWorkspacePath('src/a.ts', [])), 'no_root');
  });

  it('resolves against the base directory and picks the innermost of nested roots', () => {
    const inner = join(root, 'src');
    const r = resolveWorkspacePath('a.ts', [root, inner], { base: inner });
    assert.ok(r.ok);
    assert.equal(r.root, inner);
    assert.equal(r.relative, 'a.ts');
  });
});

describe('edit path safety (Windows flavour, described file system)', () => {
  const root = 'C:\\work\\ws';
  const links: Record<string, string> = { 'c:\\work\\ws\\link': 'D:\\elsewhere' };
  const present = new Set(['c:\\work\\ws', 'c:\\work\\ws\\src', 'c:\\work\\ws\\src\\a.ts', 'c:\\work\\ws\\link', 'd:\\elsewhere']);
  const fs: PathFs = {
    exists: (p) => present.has(p.toLowerCase()),
    realpath: (p) => {
      const key = p.toLowerCase();
      if (!present.has(key)) throw new Error('ENOENT');
      return links[key] ?? p;
    },
  };
  const check = (input: string) => resolveWorkspacePath(input, [root], { flavor: 'win32', fs });

  it('accepts relative and absolute paths with either separator, case-insensitively', () => {
    const a = check('src\\a.ts');
    assert.ok(a.ok);
    assert.equal(a.relative, 'src/a.ts');
    assert.equal(rule(check('src/a.ts')), 'ok');
    assert.equal(rule(check('c:\\WORK\\ws\\src\\a.ts')), 'ok');
  });

  it('refuses traversal, other drives, UNC, device and drive-relative paths', () => {
    assert.equal(rule(check('..\\..\\Windows\\win.ini')), 'traversal');
    assert.equal(rule(check('D:\\elsewhere\\x.ts')), 'outside');
    assert.equal(rule(check('\\\\server\\share\\x.ts')), 'windows');
    assert.equal(rule(check('\\\\?\\C:\\work\\ws\\x.ts')), 'windows');
    assert.equal(rule(check('C:x.ts')), 'windows');
  });

  it('refuses reserved names, streams and trailing dots', () => {
    assert.equal(rule(check('src\\CON')), 'windows');
    assert.equal(rule(check('src\\nul.txt')), 'windows');
    assert.equal(rule(check('src\\a.ts:evil')), 'windows');
    assert.equal(rule(check('src\\a.ts.')), 'windows');
  });

  it('refuses .git and symlink (junction) escapes', () => {
    assert.equal(rule(check('.Git\\config')), 'git');
    assert.equal(rule(check('link\\x.ts')), 'symlink');
  });
});

describe('reading a workspace file (readInsideRoots)', function () {
  if (process.platform === 'win32') return;
  let tmp: string;
  let root: string;
  let outside: string;
  const text = (r: ReturnType<typeof readInsideRoots>) => (r.ok ? r.bytes.toString('utf8') : `refused:${r.rule}`);

  beforeEach(() => {
    tmp = realpathSync(mkdtempSync(join(tmpdir(), 'tandem-read-')));
    root = join(tmp, 'ws');
    outside = join(tmp, 'outside');
    mkdirSync(join(root, 'sub'), { recursive: true });
    mkdirSync(join(root, '.git'));
    mkdirSync(outside);
    writeFileSync(join(root, 'sub', 'a.ts'), 'inside');
    writeFileSync(join(outside, 'a.ts'), 'OUTSIDE');
    writeFileSync(join(root, '.git', 'config'), '[remote] url = https://tok@host');
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('reads a file inside a root, also through a symlink that stays inside (unless noSymlinks)', () => {
    symlinkSync(join(root, 'sub'), join(root, 'alias'));
    const direct = readInsideRoots(join(root, 'sub', 'a.ts'), [root]);
    assert.ok(direct.ok);
    assert.equal(direct.relative, 'sub/a.ts');
    assert.equal(direct.bytes.toString(), 'inside');
    const viaAlias = readInsideRoots(join(root, 'alias', 'a.ts'), [root]);
    assert.equal(text(viaAlias), 'inside');
    assert.equal(viaAlias.ok && viaAlias.relative, 'sub/a.ts');
    assert.equal(text(readInsideRoots(join(root, 'alias', 'a.ts'), [root], { noSymlinks: true })), 'refused:symlink');
    assert.equal(text(readInsideRoots('sub/a.ts', [root])), 'inside', 'relative to the first root');
  });

  it('refuses what is outside, missing, a symlink out, repository internals, too large, or not a file', () => {
    symlinkSync(join(outside, 'a.ts'), join(root, 'link.ts'));
    symlinkSync('loop', join(root, 'loop'));
    assert.equal(text(readInsideRoots(join(outside, 'a.ts'), [root])), 'refused:outside');
    assert.equal(text(readInsideRoots(join(root, 'sub', '..', '..', 'outside', 'a.ts'), [root])), 'refused:outside');
    assert.equal(text(readInsideRoots(join(root, 'link.ts'), [root])), 'refused:symlink');
    assert.equal(text(readInsideRoots(join(root, 'nope.ts'), [root])), 'refused:missing');
    assert.equal(text(readInsideRoots(join(root, 'loop'), [root])), 'refused:symlink');
    assert.equal(text(readInsideRoots(join(root, '.git', 'config'), [root])), 'refused:git');
    assert.equal(text(readInsideRoots(join(root, 'sub', 'a.ts'), [root], { maxBytes: 3 })), 'refused:too_large');
    assert.equal(text(readInsideRoots(join(root, 'sub'), [root])), 'refused:not_file');
    assert.equal(text(readInsideRoots(join(root, 'sub', 'a.ts'), [])), 'refused:outside');
    const r = readInsideRoots(join(root, 'link.ts'), [root]);
    assert.ok(!r.ok && r.reason.includes(join(outside, 'a.ts')), 'the reason names where the link goes');
  });

  it('a FIFO is refused at once instead of hanging the read', () => {
    execFileSync('mkfifo', [join(root, 'pipe.ts')]);
    assert.equal(text(readInsideRoots(join(root, 'pipe.ts'), [root])), 'refused:not_file');
  });

  it('a folder swapped for a symlink to outside after the tree was walked: nothing outside is read', () => {
    rmSync(join(root, 'sub'), { recursive: true });
    symlinkSync(outside, join(root, 'sub'));
    assert.equal(text(readInsideRoots(join(root, 'sub', 'a.ts'), [root])), 'refused:symlink');
  });

  // With the kernel's path of the descriptor (Linux) and with the device/inode check used elsewhere.
  const checks: Array<[string, ReadFs, string]> = [
    ['the kernel path of the descriptor', nodeReadFs, 'symlink'],
    ['the device and inode of the descriptor', { ...nodeReadFs, fdPath: undefined }, 'changed'],
  ];
  for (const [how, base, rule] of checks) {
    it(`a folder swapped between the check and the open (and even swapped back) is caught by ${how}`, () => {
      const swap = () => {
        renameSync(join(root, 'sub'), join(tmp, 'sub-real'));
        symlinkSync(outside, join(root, 'sub'));
      };
      const swapBack = () => {
        unlinkSync(join(root, 'sub'));
        renameSync(join(tmp, 'sub-real'), join(root, 'sub'));
      };
      const racing: ReadFs = {
        ...base,
        open: (p, flags) => {
          swap();
          return base.open(p, flags);
        },
      };
      assert.equal(text(readInsideRoots(join(root, 'sub', 'a.ts'), [root], { fs: racing })), 'refused:symlink');
      swapBack();
      const andBack: ReadFs = {
        ...base,
        open: (p, flags) => {
          swap();
          const fd = base.open(p, flags);
          swapBack();
          return fd;
        },
      };
      // Swapped back before the check: the path names the inside file again, the descriptor does not.
      assert.equal(text(readInsideRoots(join(root, 'sub', 'a.ts'), [root], { fs: andBack })), `refused:${rule}`);
      assert.equal(text(readInsideRoots(join(root, 'sub', 'a.ts'), [root], { fs: base })), 'inside', 'and the real file reads again');
    });
  }

  it('a final component that becomes a symlink before the open is not followed (O_NOFOLLOW)', () => {
    const racing: ReadFs = {
      ...nodeReadFs,
      open: (p, flags) => {
        unlinkSync(join(root, 'sub', 'a.ts'));
        symlinkSync(join(outside, 'a.ts'), join(root, 'sub', 'a.ts'));
        return nodeReadFs.open(p, flags);
      },
    };
    assert.equal(text(readInsideRoots(join(root, 'sub', 'a.ts'), [root], { fs: racing })), 'refused:symlink');
  });
});
