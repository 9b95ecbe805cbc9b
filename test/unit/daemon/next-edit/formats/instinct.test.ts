/**
 * Instinct's prompt, golden: the user message laid out as its training data
 * (https://github.com/continuedev/instinct, utils/datautils.py:
 * `get_prompt_excerpt_and_rewrite`, `render_excerpt`, `parse_context`; the model card
 * https://huggingface.co/continuedev/instinct): a preface, `### Context:` with
 * `<|context_file|> {path}` / `<|snippet|>` items, `### User Edits:` with
 * `User edited file "{path}"` and a ```diff fence per edit (most recent first),
 * `### User Excerpt:` with the quoted path, the excerpt with `<|editable_region_start|>`
 * and `<|editable_region_end|>` on lines of their own and `<|user_cursor_is_here|>` at
 * the cursor. The answer is the rewritten region without markers.
 */
import assert from 'node:assert/strict';
import { TokenCounter } from '../../../../../daemon/context/budget';
import { chatTokens } from '../../../../../daemon/next-edit/formats/format';
import { INSTINCT_PREFACE, INSTINCT_SYSTEM, extractRegionAnswer, instinctFormat } from '../../../../../daemon/next-edit/formats/instinct';
import { CLAMP, RENAMED_LINES, SCALE_AFTER, SCALE_BEFORE, renameInput } from './fixture';

describe('next-edit format: Instinct', () => {
  const counter = new TokenCounter();
  after(() => counter.dispose());
  const budget = { counter, limit: 8192 - 512 };

  it('renders the golden messages', () => {
    const older = {
      path: '/ws/src/math.ts',
      shownPath: 'src/math.ts',
      at: 500,
      startLine: 0,
      before: 'export function clamp(x, lo, hi) {',
      after: CLAMP.split('\n')[0],
    };
    const built = instinctFormat.build(renameInput({ history: [older, { ...renameInput().history[0] }] }), budget);
    assert.ok(built && built.request.kind === 'chat');
    if (built?.request.kind !== 'chat') return;
    const user = [
      INSTINCT_PREFACE,
      '',
      '### Context:',
      '',
      '<|context_file|> src/math.ts',
      '<|snippet|>',
      CLAMP,
      '',
      '',
      '<|context_file|> Diagnostics for src/scale.ts',
      '<|snippet|>',
      "error at line 4: Cannot find name 'a'.",
      '',
      '',
      '### User Edits:',
      '',
      'User edited file "src/scale.ts"',
      '',
      '```diff',
      '@@ -3,1 +3,1 @@',
      `-${SCALE_BEFORE}`,
      `+${SCALE_AFTER}`,
      '```',
      '',
      'User edited file "src/math.ts"',
      '',
      '```diff',
      '@@ -1,1 +1,1 @@',
      '-export function clamp(x, lo, hi) {',
      `+${CLAMP.split('\n')[0]}`,
      '```',
      '',
      '### User Excerpt:',
      '"src/scale.ts"',
      '',
      "import { clamp } from './math';",
      '<|editable_region_start|>',
      '',
      'export function scale(count<|user_cursor_is_here|>: number, factor: number): number {',
      '  const limited = clamp(a, 0, 100);',
      '  return limited * factor;',
      '}',
      '',
      '<|editable_region_end|>',
    ].join('\n');
    assert.deepEqual(built.request.messages, [
      { role: 'system', content: INSTINCT_SYSTEM },
      { role: 'user', content: user },
    ]);
    assert.deepEqual(built.region, { startLine: 1, endLine: 7 }, 'the line above the cursor line to five below');
    assert.equal(built.tokens, chatTokens(counter, built.request.messages));
  });

  it('reads the region from the answer, with or without a fence or the markers', () => {
    const input = renameInput();
    const region = { startLine: 1, endLine: 7 };
    const rewritten = RENAMED_LINES.slice(1).join('\n');
    const marks = ['<|editable_region_start|>', '<|editable_region_end|>', '<|user_cursor_is_here|>'] as const;
    const read = (answer: string, done: 'stop' | 'length' = 'stop') => extractRegionAnswer(answer, done, input, region, ...marks);
    assert.deepEqual(read(rewritten), { text: rewritten });
    assert.deepEqual(read(`\`\`\`typescript\n${rewritten}\n\`\`\``), { text: rewritten });
    assert.deepEqual(read(`<|editable_region_start|>\n${rewritten}\n<|editable_region_end|>`), { text: rewritten });
    assert.deepEqual(read(rewritten.replace('count:', 'count<|user_cursor_is_here|>:')), { text: rewritten });
    assert.deepEqual(read(`<|editable_region_start|>\n${rewritten}`), { refusal: 'unparsable' });
    assert.deepEqual(read(rewritten, 'length'), { refusal: 'truncated' });
    assert.deepEqual(read(`${RENAMED_LINES[0]}\n${rewritten}`), { refusal: 'outside_region' }, 'repeats the line above the region');
  });
});
