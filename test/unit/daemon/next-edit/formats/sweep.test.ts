/**
 * Sweep Next-Edit's prompt, golden: the sections and markers of the published format
 * (https://blog.sweep.dev/posts/oss-next-edit, "Our Format";
 * https://huggingface.co/sweepai/sweep-next-edit-1.5B): `<|file_sep|>` sections joined
 * by newlines, other files first, the recent edits as `{path}.diff` original/updated
 * blocks, then `original/`, `current/` (the 21-line window: 10 lines each side of the
 * cursor line) and `updated/`, after which the model writes the window; it stops at
 * `<|file_sep|>` or `<|endoftext|>`.
 */
import assert from 'node:assert/strict';
import { TokenCounter } from '../../../../../daemon/context/budget';
import { Excerpt } from '../../../../../daemon/next-edit/excerpt';
import { SWEEP_STOP, extractSweep, sweepFormat } from '../../../../../daemon/next-edit/formats/sweep';
import { CLAMP, DOC_LINES, RENAMED_LINES, SCALE_AFTER, SCALE_BEFORE, document, renameInput } from './fixture';

describe('next-edit format: Sweep', () => {
  const counter = new TokenCounter();
  after(() => counter.dispose());
  const budget = { counter, limit: 8192 - 512 };

  it('renders the golden prompt: context files, diagnostics, the edit as original/updated, then original/current/updated', () => {
    const built = sweepFormat.build(renameInput(), budget);
    assert.ok(built);
    const window = DOC_LINES.join('\n');
    const expected = [
      '<|file_sep|>src/math.ts',
      CLAMP,
      '<|file_sep|>src/scale.ts',
      window,
      '<|file_sep|>Diagnostics for src/scale.ts',
      "error at line 4: Cannot find name 'a'.",
      '<|file_sep|>src/scale.ts.diff',
      'original:',
      SCALE_BEFORE,
      'updated:',
      SCALE_AFTER,
      '<|file_sep|>original/src/scale.ts',
      window.replace(SCALE_AFTER, SCALE_BEFORE),
      '<|file_sep|>current/src/scale.ts',
      window,
      '<|file_sep|>updated/src/scale.ts',
    ].join('\n');
    assert.equal(built.request.kind, 'raw');
    if (built.request.kind !== 'raw') return;
    assert.equal(built.request.prompt, expected);
    assert.deepEqual(built.request.stop, ['<|file_sep|>', '<|endoftext|>']);
    assert.deepEqual(SWEEP_STOP, built.request.stop);
    assert.deepEqual(built.region, { startLine: 0, endLine: 7 });
    assert.equal(built.tokens, counter.count(expected), 'the count is exact');
  });

  it('uses the 21-line window around the cursor line (11 lines when strict)', () => {
    const lines = Array.from({ length: 60 }, (_, i) => `line ${i}`);
    const doc = document({ text: lines.join('\n'), lineCount: 60, line: 30, character: 4 });
    const input = renameInput({ excerpt: new Excerpt(doc), history: [], last: undefined, diagnostics: [], related: [] });
    const normal = sweepFormat.build(input, budget)!;
    assert.deepEqual(normal.region, { startLine: 20, endLine: 41 });
    const prompt = normal.request.kind === 'raw' ? normal.request.prompt : '';
    assert.ok(prompt.endsWith(`<|file_sep|>current/src/scale.ts\n${lines.slice(20, 41).join('\n')}\n<|file_sep|>updated/src/scale.ts`));
    const strict = sweepFormat.build({ ...input, strictness: 'strict' }, budget)!;
    assert.deepEqual(strict.region, { startLine: 25, endLine: 36 });
  });

  it('takes the newest edit first and never goes over the budget', () => {
    const full = sweepFormat.build(renameInput(), budget)!;
    for (const limit of [full.tokens - 1, full.tokens - 40, full.tokens - 80]) {
      const tight = sweepFormat.build(renameInput(), { counter, limit })!;
      const prompt = tight.request.kind === 'raw' ? tight.request.prompt : '';
      assert.ok(tight.tokens <= limit, `${tight.tokens} <= ${limit}`);
      assert.equal(tight.tokens, counter.count(prompt));
      assert.ok(prompt.includes('<|file_sep|>src/scale.ts.diff'), `the edit stays at ${limit}`);
      assert.ok(prompt.endsWith('<|file_sep|>updated/src/scale.ts'));
    }
    const bare = sweepFormat.build(renameInput({ history: [], diagnostics: [], related: [] }), budget)!;
    const onlyEdit = sweepFormat.build(renameInput({ diagnostics: [], related: [] }), { counter, limit: bare.tokens + 5 });
    assert.ok(onlyEdit);
    const prompt = onlyEdit.request.kind === 'raw' ? onlyEdit.request.prompt : '';
    assert.ok(!prompt.includes('<|file_sep|>src/scale.ts\n'), 'the file around the window goes before the edit');
    assert.ok(prompt.includes('<|file_sep|>src/scale.ts.diff'));
    assert.equal(sweepFormat.build(renameInput(), { counter, limit: 20 }), undefined, 'the window alone does not fit');
  });

  it('reads the window back from the answer and refuses truncated or run-on answers', () => {
    const input = renameInput();
    const region = { startLine: 0, endLine: 7 };
    const rewritten = RENAMED_LINES.join('\n');
    assert.deepEqual(extractSweep(`\n${rewritten}\n`, 'stop', input, region), { text: rewritten });
    assert.deepEqual(extractSweep(`\n${rewritten}\n<|file_sep|>next`, 'stop', input, region), { text: rewritten });
    assert.deepEqual(extractSweep(`\n${rewritten}`, 'length', input, region), { refusal: 'truncated' });
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i}`);
    const long = renameInput({ excerpt: new Excerpt(document({ text: lines.join('\n'), lineCount: 40, line: 15, character: 0 })) });
    const window = { startLine: 5, endLine: 26 };
    const runOn = [...lines.slice(5, 26), 'line 26', 'line 27'].join('\n');
    assert.deepEqual(extractSweep(`\n${runOn}\n`, 'stop', long, window), { refusal: 'outside_region' });
  });
});
