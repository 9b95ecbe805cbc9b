/**
 * Zeta's prompt, golden: the Alpaca-style template of its model card
 * (https://huggingface.co/zed-industries/zeta) as Zed's client builds it
 * (zed-industries/zed crates/zeta/src/zeta1/input_excerpt.rs and the zeta1 format in
 * crates/zeta_prompt): `### Instruction:`, `### User Edits:` with `User edited {path}:`
 * and a ```diff fence per edit, `### User Excerpt:` with the excerpt in a fence named by
 * the path, `<|start_of_file|>` at the top of the file, the region between
 * `<|editable_region_start|>` and `<|editable_region_end|>` on lines of their own,
 * `<|user_cursor_is_here|>` at the cursor, then `### Response:`.
 */
import assert from 'node:assert/strict';
import { TokenCounter } from '../../../../../daemon/context/budget';
import { Excerpt } from '../../../../../daemon/next-edit/excerpt';
import { ZETA_INSTRUCTION, extractZeta, zetaFormat } from '../../../../../daemon/next-edit/formats/zeta';
import { DOC_LINES, RENAMED_LINES, SCALE_AFTER, SCALE_BEFORE, document, renameInput } from './fixture';

describe('next-edit format: Zeta', () => {
  const counter = new TokenCounter();
  after(() => counter.dispose());
  const budget = { counter, limit: 8192 - 512 };

  it('renders the golden prompt', () => {
    const built = zetaFormat.build(renameInput(), budget);
    assert.ok(built && built.request.kind === 'raw');
    if (built?.request.kind !== 'raw') return;
    const expected = [
      '### Instruction:',
      'You are a code completion assistant and your task is to analyze user edits and then rewrite an excerpt that the user provides, suggesting the appropriate edits within the excerpt, taking into account the cursor location.',
      '',
      '### User Edits:',
      '',
      'User edited src/scale.ts:',
      '```diff',
      '@@ -3,1 +3,1 @@',
      `-${SCALE_BEFORE}`,
      `+${SCALE_AFTER}`,
      '```',
      '',
      '### User Excerpt:',
      '',
      '```src/scale.ts',
      '<|start_of_file|>',
      '<|editable_region_start|>',
      "import { clamp } from './math';",
      '',
      'export function scale(count<|user_cursor_is_here|>: number, factor: number): number {',
      '  const limited = clamp(a, 0, 100);',
      '  return limited * factor;',
      '}',
      '',
      '<|editable_region_end|>',
      '```',
      '',
      '### Response:',
      '',
    ].join('\n');
    assert.equal(built.request.prompt, expected);
    assert.ok(expected.includes(ZETA_INSTRUCTION));
    assert.deepEqual(built.request.stop, ['<|editable_region_end|>', '<|endoftext|>']);
    assert.deepEqual(built.region, { startLine: 0, endLine: 7 });
    assert.equal(built.tokens, counter.count(expected));
  });

  it('grows the region from the cursor line by tokens and shows context around it, without <|start_of_file|> below the top', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `  const value${i} = compute(${i}, options.factor * ${i});`);
    const doc = document({ text: lines.slice(100, 300).join('\n'), startLine: 100, lineCount: 400, line: 200, character: 8 });
    const input = renameInput({ excerpt: new Excerpt(doc), history: [], last: undefined });
    const built = zetaFormat.build(input, budget)!;
    const prompt = built.request.kind === 'raw' ? built.request.prompt : '';
    const { startLine, endLine } = built.region;
    assert.ok(startLine < 200 && endLine > 201, 'around the cursor line');
    const regionTokens = counter.count(lines.slice(startLine, endLine).join('\n'));
    assert.ok(regionTokens <= 350 + (endLine - startLine), `${regionTokens} tokens`);
    assert.ok(!prompt.includes('<|start_of_file|>'));
    assert.ok(prompt.includes(`${lines[startLine - 1]}\n<|editable_region_start|>\n${lines[startLine]}`), 'context line before the region');
    assert.ok(prompt.includes(`${lines[endLine - 1]}\n<|editable_region_end|>\n${lines[endLine]}`), 'context line after it');
    const strict = zetaFormat.build({ ...input, strictness: 'strict' }, budget)!;
    assert.ok(strict.region.endLine - strict.region.startLine < endLine - startLine);
  });

  it('keeps edits newest first within 500 tokens', () => {
    const hunks = Array.from({ length: 30 }, (_, i) => ({
      path: '/ws/src/other.ts',
      shownPath: 'src/other.ts',
      at: i,
      startLine: i,
      before: `const old${i} = ${'x'.repeat(40)};`,
      after: `const new${i} = ${'y'.repeat(40)};`,
    }));
    const built = zetaFormat.build(renameInput({ history: hunks }), budget)!;
    const prompt = built.request.kind === 'raw' ? built.request.prompt : '';
    assert.ok(prompt.includes('new29'), 'the newest');
    assert.ok(!prompt.includes('new0 '), 'not the oldest');
    const shown = [...prompt.matchAll(/\+const new(\d+)/g)].map((m) => Number(m[1]));
    assert.deepEqual(
      shown,
      [...shown].sort((a, b) => a - b),
      'oldest first in the prompt',
    );
    const edits = prompt.slice(prompt.indexOf('### User Edits:'), prompt.indexOf('### User Excerpt:'));
    assert.ok(counter.count(edits) <= 520);
  });

  it('reads the region between the markers of the answer and refuses what is not the format', () => {
    const input = renameInput();
    const region = { startLine: 0, endLine: 7 };
    const rewritten = RENAMED_LINES.join('\n');
    const answer = `\`\`\`src/scale.ts\n<|start_of_file|>\n<|editable_region_start|>\n${rewritten.replace('count:', 'count<|user_cursor_is_here|>:')}\n<|editable_region_end|>\n\`\`\``;
    assert.deepEqual(extractZeta(answer, 'stop', input, region, region), { text: rewritten });
    // Stopped on the end marker (a stop sequence): the answer ends before it.
    assert.deepEqual(extractZeta(`<|editable_region_start|>\n${rewritten}\n`, 'stop', input, region, region), { text: rewritten });
    assert.deepEqual(extractZeta(rewritten, 'stop', input, region, region), { refusal: 'unparsable' });
    assert.deepEqual(
      extractZeta(`<|editable_region_start|>\na\n<|editable_region_start|>\nb`, 'stop', input, region, region),
      { refusal: 'unparsable' },
      'two start markers',
    );
    assert.deepEqual(extractZeta(`<|editable_region_start|>\n${DOC_LINES[0]}`, 'length', input, region, region), { refusal: 'truncated' });
    const lines = Array.from({ length: 20 }, (_, i) => `line ${i}`);
    const mid = renameInput({ excerpt: new Excerpt(document({ text: lines.join('\n'), lineCount: 20, line: 10, character: 0 })) });
    const r = { startLine: 8, endLine: 12 };
    const ctx = { startLine: 6, endLine: 14 };
    const changedContext = `\`\`\`src/scale.ts\nline 6\nline 7 changed\n<|editable_region_start|>\n${lines.slice(8, 12).join('\n')}\n<|editable_region_end|>`;
    assert.deepEqual(extractZeta(changedContext, 'stop', mid, r, ctx), { refusal: 'outside_region' });
    const sameContext = `\`\`\`src/scale.ts\nline 6\nline 7\n<|editable_region_start|>\nline 8\nline 9 new\nline 10\nline 11\n<|editable_region_end|>\nline 12\nline 13\n\`\`\``;
    assert.deepEqual(extractZeta(sameContext, 'stop', mid, r, ctx), { text: 'line 8\nline 9 new\nline 10\nline 11' });
  });
});
