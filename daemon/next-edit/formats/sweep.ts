/**
 * Sweep Next-Edit (sweepai/sweep-next-edit-1.5B and -0.5B, Qwen2.5-Coder based, GGUF),
 * sent raw. The format reuses Qwen2.5-Coder's repository pretraining layout, sections
 * started by `<|file_sep|>` and joined with newlines (Sweep's announcement, "Our
 * Format": https://blog.sweep.dev/posts/oss-next-edit; the model card
 * https://huggingface.co/sweepai/sweep-next-edit-1.5B):
 *
 *   <|file_sep|>{path}              other files, then the current file around the window
 *   {content}
 *   <|file_sep|>{path}.diff         each recent edit as original/updated blocks (no
 *   original:                       unified-diff syntax: the format their search found best)
 *   {lines before}
 *   updated:
 *   {lines after}
 *   <|file_sep|>original/{path}     the window before the user's last edit
 *   {window}
 *   <|file_sep|>current/{path}      the window now: 10 lines above the cursor line, that
 *   {window}                        line and 10 below (the fixed 21-line window it was trained on)
 *   <|file_sep|>updated/{path}      the model writes the window as it should read next,
 *                                   ending at <|file_sep|> or <|endoftext|>
 *
 * The diagnostics go in as one more file section, `Diagnostics for {path}` with lines
 * `error at line N: message`, as Zed's Sweep client sends them (crates/zeta/src/sweep_ai.rs).
 */
import type { NextEditDiagnostic } from '../../../protocol';
import type { LineRange } from '../excerpt';
import { beforeLastEdit, changedLines, type ShownHunk } from '../history';
import {
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

export const SWEEP_FILE_SEP = '<|file_sep|>';
export const SWEEP_STOP = ['<|file_sep|>', '<|endoftext|>'];

/** Lines above and below the cursor line in the window (strict: fewer). */
const WINDOW = { normal: 10, strict: 5 };
/** Lines of the current file shown around the window, each side. */
const NEARBY_LINES = 60;

type Piece =
  | { kind: 'related'; code: RelatedCode }
  | { kind: 'nearby'; text: string }
  | { kind: 'diagnostics'; list: NextEditDiagnostic[] }
  | { kind: 'hunk'; hunk: ShownHunk };

function section(header: string, body: string): string {
  return `${SWEEP_FILE_SEP}${header}\n${body}`;
}

function pieceText(p: Piece, path: string): string {
  switch (p.kind) {
    case 'related':
      return section(p.code.path, p.code.text);
    case 'nearby':
      return section(path, p.text);
    case 'diagnostics':
      return section(`Diagnostics for ${path}`, p.list.map(diagnosticLine).join('\n'));
    case 'hunk': {
      const { before, after } = changedLines(p.hunk);
      return section(`${p.hunk.shownPath}.diff`, `original:\n${before}\nupdated:\n${after}`);
    }
  }
}

export const sweepFormat: PromptFormat = {
  format: 'sweep',
  build(input: PromptInput, budget: PromptBudget): BuiltPrompt | undefined {
    const { excerpt, path } = input;
    const half = WINDOW[input.strictness];
    const region = excerpt.around(half, half);
    const current = excerpt.text(region);
    const original = beforeLastEdit(excerpt, region, input.last);
    const tail = [section(`original/${path}`, original), section(`current/${path}`, current), `${SWEEP_FILE_SEP}updated/${path}`];

    const nearbyRange = excerpt.around(NEARBY_LINES, NEARBY_LINES);
    const diagnostics = diagnosticsIn(input.diagnostics, nearbyRange);
    const hunks = input.history.map((hunk): Piece => ({ kind: 'hunk', hunk }));
    const layout: Piece[] = [
      ...input.related.map((code): Piece => ({ kind: 'related', code })),
      { kind: 'nearby', text: excerpt.text(nearbyRange) },
      ...(diagnostics.length > 0 ? [{ kind: 'diagnostics', list: diagnostics } as Piece] : []),
      ...hunks,
    ];
    // What to keep first when the budget is tight: the newest edit, the problems, older edits, this file, other files.
    const priority = [...hunks.slice(-1), ...layout.filter((p) => p.kind === 'diagnostics'), ...hunks.slice(0, -1).reverse()];
    priority.push(...layout.filter((p) => p.kind === 'nearby'), ...layout.filter((p) => p.kind === 'related'));
    const fitted = fitPieces(
      budget,
      priority,
      (p) => pieceText(p, path),
      (chosen) => [...inOrder(chosen, layout).map((p) => pieceText(p, path)), ...tail].join('\n'),
    );
    if (!fitted) return undefined;
    return {
      format: 'sweep',
      region,
      request: { kind: 'raw', prompt: fitted.text, stop: SWEEP_STOP },
      tokens: fitted.tokens,
      extract: (answer, doneReason) => extractSweep(answer, doneReason, input, region),
    };
  },
};

/** The window as the model rewrote it: what follows the `updated/` header, up to the stop. */
export function extractSweep(answer: string, doneReason: 'stop' | 'length', input: PromptInput, region: LineRange): Extracted {
  if (doneReason === 'length') return { refusal: 'truncated' };
  const cut = answer.indexOf(SWEEP_FILE_SEP);
  let text = cut >= 0 ? answer.slice(0, cut) : answer;
  text = text.replace(/<\|endoftext\|>[\s\S]*$/, '');
  if (text.startsWith('\n')) text = text.slice(1);
  if (text.endsWith('\n')) text = text.slice(0, -1);
  if (ranPast(text, input, region)) return { refusal: 'outside_region' };
  return { text };
}

/** The rewrite goes on with the lines after the window, or starts with those before it: it touches text outside. */
function ranPast(text: string, input: PromptInput, region: LineRange): boolean {
  const { excerpt } = input;
  const lines = text.split('\n');
  const windowLines = region.endLine - region.startLine;
  if (lines.length <= windowLines) return false;
  const after = excerpt.text({ startLine: region.endLine, endLine: Math.min(excerpt.endLine, region.endLine + 2) });
  const before = excerpt.text({ startLine: Math.max(excerpt.startLine, region.startLine - 2), endLine: region.startLine });
  return (after.trim() !== '' && text.endsWith(after)) || (before.trim() !== '' && text.startsWith(before));
}
