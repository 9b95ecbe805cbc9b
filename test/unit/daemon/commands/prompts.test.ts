/**
 * The everyday commands' prompts: what each part holds and where (fixed instructions in
 * the system message, the stable context before the volatile part), follow-up rounds of
 * an inline edit, and the commit and test prompts' choices.
 */
import assert from 'node:assert/strict';
import {
  COMMIT_SYSTEM,
  INLINE_SYSTEM,
  TESTS_SYSTEM,
  commitMessages,
  inlineEditMessages,
  testsMessages,
} from '../../../../daemon/commands/prompts';

const LINES = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`);

describe('everyday command prompts', () => {
  const inline = (over: Partial<Parameters<typeof inlineEditMessages>[0]> = {}) =>
    inlineEditMessages({
      relativePath: 'src/a.ts',
      languageId: 'typescript',
      lines: LINES,
      startLine: 49,
      endLine: 51,
      instruction: '  Use reduce  ',
      history: [],
      related: '',
      ...over,
    });

  it('inline edit: the region with 40 lines before and 20 after, then the instruction; related code (and rules) first', () => {
    const [system, user] = inline({ related: '## Project rules (AGENTS.md)\n\nPrefer reduce.\n' });
    assert.equal(system!.role, 'system');
    assert.equal(system!.content, INLINE_SYSTEM);
    const text = user!.content;
    const order = ['Prefer reduce.', 'the lines before the region', 'The region to rewrite (lines 50-52 of src/a.ts)', 'the lines after'];
    const at = order.map((s) => text.indexOf(s));
    assert.ok(
      at.every((p, i) => p >= 0 && (i === 0 || p > at[i - 1]!)),
      `${order.join(' < ')} in\n${text}`,
    );
    assert.ok(text.includes('line 10\n') && !text.includes('line 9\n'), 'forty lines before');
    assert.ok(text.includes('line 72\n') && !text.includes('line 73'), 'twenty lines after');
    assert.match(text, /Instruction: Use reduce\n\nAnswer with the region's complete new text \(replacing lines 50-52\)/);
    assert.ok(text.trimEnd().endsWith('in one code block.'), 'the instruction is last');
  });

  it('inline edit: no related part when there is none; a region at the top of the file has no lines before', () => {
    const text = inline({ startLine: 0, endLine: 1 })[1]!.content;
    assert.doesNotMatch(text, /Related code/);
    assert.doesNotMatch(text, /the lines before the region/);
    assert.match(text, /^The region to rewrite \(lines 1-2 of src\/a\.ts\)/);
  });

  it('inline edit follow-up: the earlier rounds with their answers, then the follow-up from the last answer', () => {
    const text = inline({
      instruction: 'and name it total',
      history: [
        { instruction: 'Use reduce', proposal: 'a.reduce(f)' },
        { instruction: 'Add types', proposal: 'a.reduce<number>(f)' },
      ],
    })[1]!.content;
    assert.match(text, /Instruction 1: Use reduce\n\nYour answer to it, the region's new text:\n\n```typescript\na\.reduce\(f\)\n```/);
    assert.match(text, /Instruction 2: Add types/);
    assert.match(text, /Follow-up instruction: and name it total\n\nStart from your last answer/);
    assert.ok(text.indexOf('Instruction 2') < text.indexOf('Follow-up instruction'));
    assert.doesNotMatch(text, /\nInstruction: /);
  });

  it('commit message: the recent subjects, the style, the branch, then the staged or working diff', () => {
    const staged = commitMessages({
      diff: 'diff --git a/x b/x',
      summarised: false,
      staged: true,
      style: ['Conventional Commits: type(scope): subject'],
      recentSubjects: ['feat: one', 'fix: two'],
      branch: 'main',
    });
    assert.equal(staged[0]!.content, COMMIT_SYSTEM);
    const text = staged[1]!.content;
    assert.match(text, /newest first:\n- feat: one\n- fix: two/);
    assert.match(text, /Follow the repository's style:\n- Conventional Commits/);
    assert.match(text, /Branch: main/);
    assert.match(text, /The staged changes:\n\n```diff\ndiff --git a\/x b\/x\n```/);
    const working = commitMessages({ diff: 'd', summarised: true, staged: false, style: [], recentSubjects: [] })[1]!.content;
    assert.match(
      working,
      /^The changes in the working tree \(nothing is staged\), summarised per file because the whole diff is too large:/,
    );
    assert.doesNotMatch(working, /Branch|style|latest commits/);
  });

  it('tests: a new file gets the example and the import path; an existing one gets SEARCH/REPLACE instructions', () => {
    const base = {
      framework: 'mocha',
      evidence: ['package.json devDependencies: mocha'],
      sourcePath: 'src/sum.ts',
      languageId: 'typescript',
      target: 'export const sum = (a, b) => a + b;',
      name: 'sum',
      source: 'export const sum = (a, b) => a + b;\n',
      testPath: 'test/sum.test.ts',
      related: '',
    };
    const created = testsMessages({ ...base, example: { path: 'test/sub.test.ts', text: "it('subs')" }, importHint: '../src/sum' });
    assert.equal(created[0]!.content, TESTS_SYSTEM);
    const c = created[1]!.content;
    assert.match(c, /The project tests with mocha \(package\.json devDependencies: mocha\)\./);
    assert.match(c, /An existing test of the project, test\/sub\.test\.ts, for its style:/);
    assert.match(c, /The code to test \(sum\):/);
    assert.match(c, /Write the new test file test\/sum\.test\.ts \(import the code under test from \.\.\/src\/sum\)/);
    assert.doesNotMatch(c, /SEARCH/);
    const added = testsMessages({ ...base, existing: "it('old')\n" })[1]!.content;
    assert.match(added, /The existing test file test\/sum\.test\.ts:\n\n```typescript\nit\('old'\)/);
    assert.match(added, /<<<<<<< SEARCH[\s\S]*>>>>>>> REPLACE/);
    assert.doesNotMatch(added, /Write the new test file/);
  });
});
