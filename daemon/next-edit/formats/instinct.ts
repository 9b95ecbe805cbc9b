/**
 * Continue's Instinct (continuedev/instinct, `ollama pull nate/instinct`; Qwen2.5-Coder-7B
 * fine-tuned on continuedev/instinct-data), sent as chat messages: a system message,
 * then one user message laid out as in its training data (continuedev/instinct,
 * utils/datautils.py, `get_prompt_excerpt_and_rewrite` and `render_excerpt`; Continue's
 * client: core/nextEdit/templating/instinct.ts):
 *
 *   {preface}
 *
 *   ### Context:
 *
 *   <|context_file|> {path}         related code, items separated by two blank lines
 *   <|snippet|>
 *   {content}
 *
 *
 *   ### User Edits:
 *
 *   User edited file "{path}"       each edit, most recent first
 *
 *   ```diff
 *   {unified diff hunk}
 *   ```
 *
 *   ### User Excerpt:
 *   "{path}"
 *
 *   {lines above}
 *   <|editable_region_start|>       the editable region: the line above the cursor line
 *   {lines with <|user_cursor_is_here|> at the cursor}      to five lines below it
 *   <|editable_region_end|>
 *   {lines below}                   (25 lines around the cursor in all, as Continue sends)
 *
 * The model answers with the region rewritten, without the markers. The system message
 * and the preface are Tandem's own short wording of the task; the markers, section
 * headers and layout are the training data's. Diagnostics go in as one more context item.
 */
import type { NextEditDiagnostic } from '../../../protocol';
import type { LineRange } from '../excerpt';
import { unifiedDiff, type ShownHunk } from '../history';
import {
  chatTokens,
  diagnosticLine,
  diagnosticsIn,
  fitPieces,
  inOrder,
  type BuiltPrompt,
  type Extracted,
  type PromptBudget,
  type PromptFormat,
  type PromptInput,
  type RelatedCode,
} from './format';

export const INSTINCT_REGION_START = '<|editable_region_start|>';
export const INSTINCT_REGION_END = '<|editable_region_end|>';
export const INSTINCT_CURSOR = '<|user_cursor_is_here|>';
export const INSTINCT_CONTEXT_FILE = '<|context_file|>';
export const INSTINCT_SNIPPET = '<|snippet|>';

export const INSTINCT_SYSTEM = [
  'You predict the next edit a developer makes to their code.',
  'The user message has related code under "### Context:", the developer\'s recent edits as unified diffs, most recent first, under "### User Edits:", and an excerpt of the current file under "### User Excerpt:".',
  `In the excerpt, ${INSTINCT_REGION_START} and ${INSTINCT_REGION_END} mark the region you may rewrite and ${INSTINCT_CURSOR} marks the cursor.`,
  "Answer with the rewritten region only: no markers, no cursor, no explanation. Keep the indentation and style, do not repeat code outside the region, and do not undo the developer's last edit. If nothing should change, answer with the region as it is.",
].join('\n');

export const INSTINCT_PREFACE =
  "Use the context, the user's edits and the excerpt to see what the developer is doing, then rewrite the editable region of the excerpt with the change they would make next.";

const WINDOW = 25;
const REGION = { normal: { above: 1, below: 5 }, strict: { above: 0, below: 2 } };

type Piece =
  { kind: 'related'; code: RelatedCode } | { kind: 'diagnostics'; list: NextEditDiagnostic[] } | { kind: 'hunk'; hunk: ShownHunk };

function contextItem(name: string, content: string): string {
  return `${INSTINCT_CONTEXT_FILE} ${name}\n${INSTINCT_SNIPPET}\n${content.replace(/\n+$/, '')}`;
}

function editBlock(h: ShownHunk): string {
  return `User edited file "${h.shownPath}"\n\n\`\`\`diff\n${unifiedDiff(h)}\n\`\`\`\n\n`;
}

function pieceText(p: Piece, path: string): string {
  if (p.kind === 'related') return contextItem(p.code.path, p.code.text);
  if (p.kind === 'diagnostics') return contextItem(`Diagnostics for ${path}`, p.list.map(diagnosticLine).join('\n'));
  return editBlock(p.hunk);
}

/** The excerpt with the region's markers on lines of their own and the cursor marker in its line. */
export function instinctExcerpt(input: PromptInput, window: LineRange, region: LineRange): string {
  const { excerpt } = input;
  const out: string[] = [];
  for (let l = window.startLine; l < window.endLine; l++) {
    if (l === region.startLine) out.push(INSTINCT_REGION_START);
    const text = excerpt.lineText(l);
    out.push(l === excerpt.line ? text.slice(0, excerpt.character) + INSTINCT_CURSOR + text.slice(excerpt.character) : text);
    if (l === region.endLine - 1) out.push(INSTINCT_REGION_END);
  }
  return out.join('\n');
}

export function instinctUserPrompt(context: string, edits: string, path: string, shownExcerpt: string): string {
  return `${INSTINCT_PREFACE}\n\n### Context:\n\n${context}\n\n\n### User Edits:\n\n${edits}### User Excerpt:\n"${path}"\n\n${shownExcerpt}`;
}

export const instinctFormat: PromptFormat = {
  format: 'instinct',
  build(input: PromptInput, budget: PromptBudget): BuiltPrompt | undefined {
    const { excerpt, path } = input;
    const r = REGION[input.strictness];
    const window = excerpt.around(WINDOW, WINDOW);
    const region = excerpt.around(r.above, r.below);
    const shownExcerpt = instinctExcerpt(input, window, region);
    const diagnostics = diagnosticsIn(input.diagnostics, window);
    const related: Piece[] = [
      ...input.related.map((code): Piece => ({ kind: 'related', code })),
      ...(diagnostics.length > 0 ? [{ kind: 'diagnostics', list: diagnostics } as Piece] : []),
    ];
    const hunks = input.history.map((hunk): Piece => ({ kind: 'hunk', hunk }));
    const newestFirst = [...hunks].reverse();
    const priority = [...newestFirst.slice(0, 1), ...related.filter((p) => p.kind === 'diagnostics'), ...newestFirst.slice(1)];
    priority.push(...related.filter((p) => p.kind === 'related'));
    const systemTokens = chatTokens(budget.counter, [{ role: 'system', content: INSTINCT_SYSTEM }]);
    const fitted = fitPieces(
      { counter: budget.counter, limit: budget.limit - systemTokens },
      priority,
      (p) => pieceText(p, path),
      (chosen) =>
        instinctUserPrompt(
          inOrder(chosen, related)
            .map((p) => pieceText(p, path))
            .join('\n\n\n'),
          inOrder(chosen, newestFirst)
            .map((p) => pieceText(p, path))
            .join(''),
          path,
          shownExcerpt,
        ),
    );
    if (!fitted) return undefined;
    const messages = [
      { role: 'system' as const, content: INSTINCT_SYSTEM },
      { role: 'user' as const, content: fitted.text },
    ];
    return {
      format: 'instinct',
      region,
      request: { kind: 'chat', messages },
      tokens: chatTokens(budget.counter, messages),
      extract: (answer, doneReason) =>
        extractRegionAnswer(answer, doneReason, input, region, INSTINCT_REGION_START, INSTINCT_REGION_END, INSTINCT_CURSOR),
    };
  },
};

/**
 * The region from a chat answer that should be the region alone: a code fence around
 * it, the markers or the cursor marker (which models sometimes repeat) taken off, and
 * the blank lines at its edges those of the region. An answer that starts with the
 * lines above the region or goes on with those below it has rewritten text outside it.
 */
export function extractRegionAnswer(
  answer: string,
  doneReason: 'stop' | 'length',
  input: PromptInput,
  region: LineRange,
  startMarker: string,
  endMarker: string,
  cursorMarker: string,
): Extracted {
  if (doneReason === 'length') return { refusal: 'truncated' };
  let text = answer.split(cursorMarker).join('');
  const start = text.indexOf(startMarker);
  const end = text.lastIndexOf(endMarker);
  if (start >= 0 && end > start) text = text.slice(start + startMarker.length, end);
  else if (start >= 0 || end >= 0) return { refusal: 'unparsable' };
  const fenced = /^\s*```[^\n]*\n([\s\S]*?)\n?```\s*$/.exec(text);
  if (fenced) text = fenced[1];
  const { excerpt } = input;
  const trimmed = text.replace(/^\n+/, '').replace(/\n+$/, '');
  const above = excerpt
    .text({ startLine: Math.max(excerpt.startLine, region.startLine - 2), endLine: region.startLine })
    .replace(/^\n+/, '');
  const below = excerpt.text({ startLine: region.endLine, endLine: Math.min(excerpt.endLine, region.endLine + 2) }).replace(/\n+$/, '');
  const regionText = excerpt.text(region);
  const regionLines = regionText.replace(/^\n+/, '').replace(/\n+$/, '').split('\n').length;
  if (
    trimmed.split('\n').length > regionLines &&
    ((above.trim() !== '' && trimmed.startsWith(above)) || (below.trim() !== '' && trimmed.endsWith(below)))
  ) {
    return { refusal: 'outside_region' };
  }
  // Blank lines at the region's edges are the region's, whatever the answer does around its text.
  const lead = /^\n*/.exec(regionText)![0];
  text = `${lead}${trimmed}${/\n*$/.exec(regionText.slice(lead.length))![0]}`;
  return { text };
}
