/**
 * Tandem's own next-edit format for any instruct (chat) coder model, such as
 * qwen2.5-coder:7b-instruct: chat messages with plain-language sections and XML-like
 * tags the model is asked to answer in (docs/next-edit.md, "The generic format"):
 *
 *   system   the task and the answer's form
 *   user     Recent edits (oldest first):      unified diffs in a ```diff fence
 *            Problems in this file:            one line per diagnostic
 *            Related code:                     --- {path} and its lines, per item
 *            File: {path}                      the file around the region, in a fence,
 *            ```{language}                     with <region> … </region> around the
 *            … <region>                        lines that may change and <cursor/> at
 *            …<cursor/>…                       the cursor
 *            </region> …
 *            ```
 *            Rewrite the region.
 *
 * The answer is the region rewritten between <region> and </region> (a bare answer or a
 * fenced one is taken as the region too).
 */
import type { NextEditDiagnostic } from '../../../protocol';
import type { LineRange } from '../excerpt';
import { unifiedDiff, type ShownHunk } from '../history';
import { extractRegionAnswer } from './instinct';
import {
  chatTokens,
  diagnosticLine,
  diagnosticsIn,
  fitPieces,
  inOrder,
  type BuiltPrompt,
  type PromptBudget,
  type PromptFormat,
  type PromptInput,
  type RelatedCode,
} from './format';

export const GENERIC_REGION_START = '<region>';
export const GENERIC_REGION_END = '</region>';
export const GENERIC_CURSOR = '<cursor/>';

export const GENERIC_SYSTEM = [
  'You predict the next edit a developer makes to their code, from the edits they just made.',
  `The file excerpt marks the lines you may change with ${GENERIC_REGION_START} and ${GENERIC_REGION_END}, and the cursor with ${GENERIC_CURSOR}.`,
  `Answer with only the region as it should read after the next edit, between ${GENERIC_REGION_START} and ${GENERIC_REGION_END}, without the cursor marker and without explanations.`,
  'Continue what the recent edits started (rename the other uses, update the callers, fix what they broke); keep the style and indentation; never undo the last edit. If nothing should change, repeat the region unchanged.',
].join('\n');

const WINDOW = 30;
const REGION = { normal: { above: 3, below: 8 }, strict: { above: 1, below: 3 } };

type Piece =
  { kind: 'hunk'; hunk: ShownHunk } | { kind: 'diagnostics'; list: NextEditDiagnostic[] } | { kind: 'related'; code: RelatedCode };

function fence(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  return '`'.repeat(longest + 1);
}

function pieceText(p: Piece): string {
  if (p.kind === 'hunk') return `--- ${p.hunk.shownPath}\n${unifiedDiff(p.hunk)}`;
  if (p.kind === 'diagnostics') return p.list.map((d) => `- ${diagnosticLine(d)}`).join('\n');
  const f = fence(p.code.text);
  return `--- ${p.code.path}\n${f}\n${p.code.text}\n${f}`;
}

export function genericExcerpt(input: PromptInput, window: LineRange, region: LineRange): string {
  const { excerpt } = input;
  const out: string[] = [];
  for (let l = window.startLine; l < window.endLine; l++) {
    if (l === region.startLine) out.push(GENERIC_REGION_START);
    const text = excerpt.lineText(l);
    out.push(l === excerpt.line ? text.slice(0, excerpt.character) + GENERIC_CURSOR + text.slice(excerpt.character) : text);
    if (l === region.endLine - 1) out.push(GENERIC_REGION_END);
  }
  return out.join('\n');
}

function userPrompt(input: PromptInput, chosen: Piece[], layout: Piece[], shownExcerpt: string): string {
  const parts: string[] = [];
  const picked = inOrder(chosen, layout);
  const hunks = picked.filter((p) => p.kind === 'hunk');
  if (hunks.length > 0) parts.push(`Recent edits (oldest first):\n\`\`\`diff\n${hunks.map(pieceText).join('\n')}\n\`\`\``);
  const diagnostics = picked.filter((p) => p.kind === 'diagnostics');
  if (diagnostics.length > 0) parts.push(`Problems in this file:\n${diagnostics.map(pieceText).join('\n')}`);
  const related = picked.filter((p) => p.kind === 'related');
  if (related.length > 0) parts.push(`Related code:\n${related.map(pieceText).join('\n')}`);
  const f = fence(shownExcerpt);
  parts.push(`File: ${input.path}\n${f}${input.languageId}\n${shownExcerpt}\n${f}`);
  parts.push(`Rewrite the region between ${GENERIC_REGION_START} and ${GENERIC_REGION_END} with the developer's next edit.`);
  return parts.join('\n\n');
}

export const genericFormat: PromptFormat = {
  format: 'generic',
  build(input: PromptInput, budget: PromptBudget): BuiltPrompt | undefined {
    const { excerpt } = input;
    const r = REGION[input.strictness];
    const window = excerpt.around(WINDOW, WINDOW);
    const region = excerpt.around(r.above, r.below);
    const shownExcerpt = genericExcerpt(input, window, region);
    const diagnostics = diagnosticsIn(input.diagnostics, window);
    const hunks = input.history.map((hunk): Piece => ({ kind: 'hunk', hunk }));
    const related = input.related.map((code): Piece => ({ kind: 'related', code }));
    const diag: Piece[] = diagnostics.length > 0 ? [{ kind: 'diagnostics', list: diagnostics }] : [];
    const layout = [...hunks, ...diag, ...related];
    const priority = [...hunks.slice(-1), ...diag, ...hunks.slice(0, -1).reverse(), ...related];
    const systemTokens = chatTokens(budget.counter, [{ role: 'system', content: GENERIC_SYSTEM }]);
    const fitted = fitPieces({ counter: budget.counter, limit: budget.limit - systemTokens }, priority, pieceText, (chosen) =>
      userPrompt(input, chosen, layout, shownExcerpt),
    );
    if (!fitted) return undefined;
    const messages = [
      { role: 'system' as const, content: GENERIC_SYSTEM },
      { role: 'user' as const, content: fitted.text },
    ];
    return {
      format: 'generic',
      region,
      request: { kind: 'chat', messages },
      tokens: chatTokens(budget.counter, messages),
      extract: (answer, doneReason) =>
        extractRegionAnswer(answer, doneReason, input, region, GENERIC_REGION_START, GENERIC_REGION_END, GENERIC_CURSOR),
    };
  },
};
