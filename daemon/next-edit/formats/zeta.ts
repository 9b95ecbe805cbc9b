/**
 * Zed's Zeta (zed-industries/zeta, Qwen2.5-Coder-7B fine-tuned on zed-industries/zeta
 * data), sent raw in the Alpaca-style template of its model card and Zed's client
 * (crates/zeta/src/zeta1/input_excerpt.rs, and the zeta1 format in crates/zeta_prompt):
 *
 *   ### Instruction:
 *   {one fixed sentence}
 *
 *   ### User Edits:
 *
 *   User edited {path}:            each edit, oldest first, separated by a blank line
 *   ```diff
 *   {unified diff hunk}
 *   ```
 *
 *   ### User Excerpt:
 *
 *   ```{path}
 *   <|start_of_file|>              only when the excerpt starts at the top of the file
 *   {context lines}
 *   <|editable_region_start|>
 *   {region up to the cursor}<|user_cursor_is_here|>{rest of the region}
 *   <|editable_region_end|>
 *   {context lines}
 *   ```
 *
 *   ### Response:
 *
 * The model answers with the excerpt, the region rewritten between the two markers.
 * As in Zed's client, the region grows from the cursor line while it fits 350 tokens,
 * the context around it 150 more, and the edits are kept, newest first, within 500.
 * The format has no place for other files or diagnostics, so they are not sent.
 */
import type { LineRange } from '../excerpt';
import { unifiedDiff, type ShownHunk } from '../history';
import {
  fitPieces,
  growByTokens,
  inOrder,
  type BuiltPrompt,
  type Extracted,
  type PromptBudget,
  type PromptFormat,
  type PromptInput,
} from './format';

export const ZETA_CURSOR = '<|user_cursor_is_here|>';
export const ZETA_START_OF_FILE = '<|start_of_file|>';
export const ZETA_REGION_START = '<|editable_region_start|>';
export const ZETA_REGION_END = '<|editable_region_end|>';
export const ZETA_INSTRUCTION =
  'You are a code completion assistant and your task is to analyze user edits and then rewrite an excerpt that the user provides, suggesting the appropriate edits within the excerpt, taking into account the cursor location.';

const REWRITE_TOKENS = { normal: 350, strict: 175 };
const CONTEXT_TOKENS = { normal: 150, strict: 100 };
const EVENT_TOKENS = 500;

function event(h: ShownHunk): string {
  return `User edited ${h.shownPath}:\n\`\`\`diff\n${unifiedDiff(h)}\n\`\`\``;
}

/** The excerpt section: the region between its markers with the cursor, inside the context, in a fence named by the path. */
export function zetaExcerpt(input: PromptInput, region: LineRange, context: LineRange): string {
  const { excerpt, path } = input;
  const before = excerpt.text({ startLine: context.startLine, endLine: region.startLine });
  const after = excerpt.text({ startLine: region.endLine, endLine: context.endLine });
  const text = excerpt.text(region);
  const cursor = excerpt.cursorOffsetIn(region);
  return [
    `\`\`\`${path}\n`,
    context.startLine === 0 ? `${ZETA_START_OF_FILE}\n` : '',
    region.startLine > context.startLine ? `${before}\n` : '',
    `${ZETA_REGION_START}\n`,
    text.slice(0, cursor),
    ZETA_CURSOR,
    text.slice(cursor),
    `\n${ZETA_REGION_END}`,
    context.endLine > region.endLine ? `\n${after}` : '',
    '\n```',
  ].join('');
}

export function zetaPrompt(events: string, excerpt: string): string {
  return `### Instruction:\n${ZETA_INSTRUCTION}\n\n### User Edits:\n\n${events}\n\n### User Excerpt:\n\n${excerpt}\n\n### Response:\n`;
}

export const zetaFormat: PromptFormat = {
  format: 'zeta',
  build(input: PromptInput, budget: PromptBudget): BuiltPrompt | undefined {
    const { excerpt, strictness } = input;
    const cursorLine = { startLine: excerpt.line, endLine: excerpt.line + 1 };
    const region = growByTokens(excerpt, cursorLine, REWRITE_TOKENS[strictness], budget.counter);
    const context = growByTokens(excerpt, region, CONTEXT_TOKENS[strictness], budget.counter);
    const shownExcerpt = zetaExcerpt(input, region, context);
    // Newest first within the events' own allowance, then the prompt's budget.
    const events: ShownHunk[] = [];
    let used = 0;
    for (const h of [...input.history].reverse()) {
      const cost = budget.counter.count(event(h)) + 2;
      if (used + cost > EVENT_TOKENS) break;
      events.push(h);
      used += cost;
    }
    const fitted = fitPieces(budget, events, event, (chosen) =>
      zetaPrompt(inOrder(chosen, input.history).map(event).join('\n\n'), shownExcerpt),
    );
    if (!fitted) return undefined;
    return {
      format: 'zeta',
      region,
      request: { kind: 'raw', prompt: fitted.text, stop: [ZETA_REGION_END, '<|endoftext|>'] },
      tokens: fitted.tokens,
      extract: (answer, doneReason) => extractZeta(answer, doneReason, input, region, context),
    };
  },
};

/**
 * The region from the answer: after the start marker's line, up to the end marker (or
 * the end of the answer, when generation stopped on it). Exactly one start marker; the
 * context the answer repeats before it must be the context sent.
 */
export function extractZeta(
  answer: string,
  doneReason: 'stop' | 'length',
  input: PromptInput,
  region: LineRange,
  context: LineRange,
): Extracted {
  const content = answer.split(ZETA_CURSOR).join('');
  const starts = content.split(ZETA_REGION_START).length - 1;
  if (starts !== 1 || content.split(ZETA_REGION_END).length - 1 > 1) return { refusal: 'unparsable' };
  const startAt = content.indexOf(ZETA_REGION_START);
  const endAt = content.indexOf(ZETA_REGION_END);
  if (endAt < 0 && doneReason === 'length') return { refusal: 'truncated' };
  const newline = content.indexOf('\n', startAt);
  if (newline < 0) return { refusal: 'unparsable' };
  let text = content.slice(newline + 1, endAt >= 0 ? endAt : content.length);
  if (text.endsWith('\n')) text = text.slice(0, -1);
  const echoed = content
    .slice(0, startAt)
    .replace(/^\s*```[^\n]*\n/, '')
    .replace(`${ZETA_START_OF_FILE}\n`, '');
  const sentBefore = input.excerpt.text({ startLine: context.startLine, endLine: region.startLine });
  if (echoed.trim() !== '' && echoed.replace(/\n$/, '') !== sentBefore) return { refusal: 'outside_region' };
  if (endAt >= 0) {
    const after = content
      .slice(endAt + ZETA_REGION_END.length)
      .replace(/\n?```\s*$/, '')
      .replace(/^\n/, '');
    const sentAfter = input.excerpt.text({ startLine: region.endLine, endLine: context.endLine });
    if (after.trim() !== '' && !sentAfter.startsWith(after)) return { refusal: 'outside_region' };
  }
  return { text };
}
