/**
 * Tandem's generic format for instruct coder models (docs/next-edit.md, "The generic
 * format"), golden: a system message with the task, a user message with the recent
 * edits as unified diffs, the problems, related code and the file in a fence with
 * `<region>` … `</region>` around the lines that may change and `<cursor/>` at the cursor.
 */
import assert from 'node:assert/strict';
import { TokenCounter } from '../../../../../daemon/context/budget';
import { chatTokens } from '../../../../../daemon/next-edit/formats/format';
import { GENERIC_SYSTEM, genericFormat } from '../../../../../daemon/next-edit/formats/generic';
import { CLAMP, RENAMED_LINES, SCALE_AFTER, SCALE_BEFORE, renameInput } from './fixture';

describe('next-edit format: generic', () => {
  const counter = new TokenCounter();
  after(() => counter.dispose());
  const budget = { counter, limit: 16384 - 1024 };

  it('renders the golden messages', () => {
    const built = genericFormat.build(renameInput(), budget);
    assert.ok(built && built.request.kind === 'chat');
    if (built?.request.kind !== 'chat') return;
    const user = [
      'Recent edits (oldest first):',
      '```diff',
      '--- src/scale.ts',
      '@@ -3,1 +3,1 @@',
      `-${SCALE_BEFORE}`,
      `+${SCALE_AFTER}`,
      '```',
      '',
      'Problems in this file:',
      "- error at line 4: Cannot find name 'a'.",
      '',
      'Related code:',
      '--- src/math.ts',
      '```',
      CLAMP,
      '```',
      '',
      'File: src/scale.ts',
      '```typescript',
      '<region>',
      "import { clamp } from './math';",
      '',
      'export function scale(count<cursor/>: number, factor: number): number {',
      '  const limited = clamp(a, 0, 100);',
      '  return limited * factor;',
      '}',
      '',
      '</region>',
      '```',
      '',
      "Rewrite the region between <region> and </region> with the developer's next edit.",
    ].join('\n');
    assert.deepEqual(built.request.messages, [
      { role: 'system', content: GENERIC_SYSTEM },
      { role: 'user', content: user },
    ]);
    assert.deepEqual(built.region, { startLine: 0, endLine: 7 });
    assert.equal(built.tokens, chatTokens(counter, built.request.messages));
  });

  it('takes the region from between the tags of the answer', () => {
    const built = genericFormat.build(renameInput(), budget)!;
    const rewritten = RENAMED_LINES.join('\n');
    assert.deepEqual(built.extract(`Here it is:\n<region>\n${rewritten}\n</region>`, 'stop'), { text: rewritten });
    assert.deepEqual(built.extract(`\`\`\`ts\n${rewritten.trim()}\n\`\`\``, 'stop'), { text: rewritten });
    assert.deepEqual(built.extract('<region>\nhalf', 'stop'), { refusal: 'unparsable' });
  });
});
