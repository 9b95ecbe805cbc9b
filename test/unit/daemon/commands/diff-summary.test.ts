import assert from 'node:assert/strict';
import { fitDiff, isGenerated, parseUnifiedDiff } from '../../../../daemon/commands/diff-summary';

function fileDiff(path: string, hunks: number, linesPerHunk: number, opts: { added?: boolean } = {}): string {
  const out = [`diff --git a/${path} b/${path}`];
  if (opts.added) out.push('new file mode 100644', '--- /dev/null', `+++ b/${path}`);
  else out.push('index 1111111..2222222 100644', `--- a/${path}`, `+++ b/${path}`);
  for (let h = 0; h < hunks; h++) {
    out.push(`@@ -${h * 10 + 1},3 +${h * 10 + 1},${linesPerHunk} @@`);
    for (let k = 0; k < linesPerHunk; k++) out.push(`+${path} hunk ${h} line ${k} with some words`);
    out.push(`-${path} old ${h}`);
  }
  return out.join('\n');
}

/** One token per word, roughly. */
const words = (t: string) => t.split(/\s+/).filter(Boolean).length;

describe('commit diffs fitted to a budget', () => {
  it('parses files with their status and line counts', () => {
    const diff = [
      fileDiff('src/a.ts', 2, 3),
      fileDiff('src/new.ts', 1, 2, { added: true }),
      'diff --git a/old.txt b/new.txt\nsimilarity index 100%\nrename from old.txt\nrename to new.txt',
      'diff --git a/logo.png b/logo.png\nindex 1..2 100644\nBinary files a/logo.png and b/logo.png differ',
    ].join('\n');
    const files = parseUnifiedDiff(diff);
    assert.deepEqual(
      files.map((f) => [f.path, f.status, f.added, f.removed, f.hunks.length]),
      [
        ['src/a.ts', 'modified', 6, 2, 2],
        ['src/new.ts', 'added', 2, 1, 1],
        ['new.txt', 'renamed', 0, 0, 0],
        ['logo.png', 'binary', 0, 0, 0],
      ],
    );
    assert.equal(files[2]!.oldPath, 'old.txt');
  });

  it('sends a diff that fits as it is', () => {
    const diff = fileDiff('a.ts', 1, 2);
    assert.deepEqual(fitDiff(diff, 10_000, words), { text: diff, files: 1, summarisedFiles: 0, summarised: false });
  });

  it('names every file and shares the budget so small files stay whole and one huge file is cut', () => {
    const diff = [
      fileDiff('small1.ts', 1, 2),
      fileDiff('huge.ts', 40, 20),
      fileDiff('small2.ts', 1, 3),
      fileDiff('package-lock.json', 5, 50),
    ].join('\n');
    const fitted = fitDiff(diff, 600, words);
    assert.equal(fitted.summarised, true);
    assert.equal(fitted.files, 4);
    assert.ok(words(fitted.text) <= 600, `within the budget (${words(fitted.text)})`);
    assert.match(fitted.text, /^Files changed \(4\):\nsmall1\.ts \(modified\): \+2 -1\nhuge\.ts \(modified\): \+800 -40\n/);
    assert.match(fitted.text, /package-lock\.json \(modified\): \+250 -5, generated or lock file: not shown/);
    assert.ok(fitted.text.includes('+small1.ts hunk 0 line 1') && fitted.text.includes('+small2.ts hunk 0 line 2'), 'small files whole');
    assert.ok(fitted.text.includes('+huge.ts hunk 0 line 0'), 'the huge file starts');
    assert.match(fitted.text, /… \d+ more changed lines of huge\.ts left out/);
    assert.ok(!fitted.text.includes('package-lock.json hunk'), 'the lock file only named');
    assert.equal(fitted.summarisedFiles, 2);
  });

  it('recognises lock files and generated output', () => {
    assert.ok(isGenerated('yarn.lock') && isGenerated('web/dist/app.js') && isGenerated('a.min.js') && isGenerated('go.sum'));
    assert.ok(!isGenerated('src/lock.ts'));
  });
});
