/**
 * Prompts of the `fix` and `edit` tasks. Deterministic and cache-friendly: the fixed
 * instructions come first (system message), then stable context (related code, the
 * workspace listing), then the volatile part (the file, the problems, the step). Code
 * is quoted without line numbers so that models copy it verbatim into SEARCH parts;
 * problem locations are given as line numbers beside the quoted line instead. Pure.
 */
import type { ChatMessage } from '../router/types';
import type { FixDiagnostic } from '../../protocol';

const FORMAT_RULES = `Write every change as a SEARCH/REPLACE block in exactly this format:

path/to/file.ext
<<<<<<< SEARCH
the current lines, copied exactly from the file
=======
the lines that replace them
>>>>>>> REPLACE

Rules for blocks:
- The SEARCH part copies the file's current lines character for character, indentation included, and must match exactly one place in the file: include enough surrounding lines to make it unique.
- Keep each block small; use several blocks for separate places. Blocks must not overlap.
- To delete lines, leave the REPLACE part empty. To insert, quote the neighbouring line in SEARCH and repeat it in REPLACE together with the new lines.
- Put the file's workspace-relative path on the line before each block.`;

export const FIX_SYSTEM = `You are Tandem's code fixer. You fix the reported problems with the smallest correct change, keeping the code's style. Do not make unrelated changes.

Answer with one or two sentences saying what was wrong, then the edits.

${FORMAT_RULES}`;

export const PLAN_SYSTEM = `You are Tandem's planner for code changes that span several files. Given an instruction and the workspace, decide which files to change and in which order. Answer with JSON only, in exactly this shape:

{"summary": "one line describing the change", "steps": [{"id": "s1", "action": "modify", "path": "src/file.ts", "description": "what to do in this file", "dependsOn": []}]}

Rules:
- "action" is one of "modify" (an existing file), "create" (a new file), "delete" or "rename" (give "newPath" too).
- "path" and "newPath" are relative to the workspace root and use "/". Only files inside the workspace; never anything under .git.
- One step per file, at most 20 steps. Prefer modifying existing files over creating new ones.
- "dependsOn" lists the ids of steps that must be done first (e.g. the step creating a module that this file imports).
- "description" says precisely what to change in that file, so that it can be done without seeing the other files.`;

export const STEP_SYSTEM = `You are Tandem's code editor. You carry out one step of a planned change to a workspace: you edit exactly one file, keeping its style. Do not make changes the step does not ask for.

${FORMAT_RULES}`;

export const CREATE_SYSTEM = `You are Tandem's code editor. You write one new file of a planned change to a workspace, in the style of the surrounding code.

Answer with the complete content of the new file in a single fenced code block, and nothing else.`;

/** A fence longer than any backtick run in `text`. */
export function fenceFor(text: string): string {
  let longest = 2;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(longest + 1);
}

export function quote(text: string, language = ''): string {
  const fence = fenceFor(text);
  return `${fence}${language}\n${text.endsWith('\n') ? text : `${text}\n`}${fence}`;
}

const languageTags: Record<string, string> = { typescriptreact: 'tsx', javascriptreact: 'jsx', shellscript: 'sh', plaintext: '' };

export function languageTag(languageId: string | undefined): string {
  if (!languageId) return '';
  return languageTags[languageId] ?? languageId;
}

/** The lines of the document to show: the whole file when short, else windows around the problems. */
export function documentExcerpt(
  text: string,
  diagnostics: readonly FixDiagnostic[],
  opts: { wholeFileLines?: number; window?: number } = {},
): { text: string; whole: boolean; ranges: Array<[number, number]> } {
  const lines = text.split('\n');
  const whole = opts.wholeFileLines ?? 400;
  if (lines.length <= whole) return { text, whole: true, ranges: [[1, lines.length]] };
  const w = opts.window ?? 40;
  const spans = diagnostics
    .map((d) => [Math.max(0, d.range.start.line - w), Math.min(lines.length - 1, d.range.end.line + w)] as [number, number])
    .sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s[0] <= last[1] + 1) last[1] = Math.max(last[1], s[1]);
    else merged.push([...s]);
  }
  const parts = merged.map(([a, b]) => lines.slice(a, b + 1).join('\n'));
  return { text: parts.join('\n\n… (lines left out) …\n\n'), whole: false, ranges: merged.map(([a, b]) => [a + 1, b + 1]) };
}

export function describeDiagnostic(d: FixDiagnostic, lines: readonly string[], n: number): string {
  const where = `line ${d.range.start.line + 1}, column ${d.range.start.character + 1}`;
  const origin = [d.source, d.code !== undefined ? String(d.code) : undefined].filter(Boolean).join(' ');
  const line = lines[d.range.start.line];
  const shown = line !== undefined ? `\n   The line: ${line.trim().slice(0, 300)}` : '';
  return `${n}. ${d.severity} at ${where}${origin ? ` [${origin}]` : ''}: ${d.message.trim()}${shown}`;
}

export interface FixPromptInput {
  relativePath: string;
  languageId: string;
  text: string;
  diagnostics: readonly FixDiagnostic[];
  /** Related definitions from the context engine, rendered as markdown ('' when none). */
  related: string;
}

export function fixMessages(input: FixPromptInput): ChatMessage[] {
  const lines = input.text.split('\n');
  const excerpt = documentExcerpt(input.text, input.diagnostics);
  const parts: string[] = [];
  if (input.related.trim() !== '')
    parts.push(`Related code from the workspace (for reference; do not edit it):\n\n${input.related.trim()}`);
  const shown = excerpt.whole ? 'the whole file' : `lines ${excerpt.ranges.map(([a, b]) => `${a}-${b}`).join(', ')} of ${lines.length}`;
  parts.push(`File ${input.relativePath} (${shown}):\n\n${quote(excerpt.text, languageTag(input.languageId))}`);
  parts.push(
    `Problems to fix in ${input.relativePath}:\n${input.diagnostics.map((d, k) => describeDiagnostic(d, lines, k + 1)).join('\n')}`,
  );
  parts.push(`Fix ${input.diagnostics.length === 1 ? 'this problem' : 'these problems'}. Edit only ${input.relativePath}.`);
  return [
    { role: 'system', content: FIX_SYSTEM },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

export interface PlanPromptInput {
  instruction: string;
  /** Workspace-relative paths (a listing, possibly truncated). */
  listing: readonly string[];
  listingTruncated: boolean;
  /** Files the user picked or the active file, with their (clipped) text. */
  files: ReadonlyArray<{ relativePath: string; text: string; languageId?: string }>;
  related: string;
}

export function planMessages(input: PlanPromptInput): ChatMessage[] {
  const parts: string[] = [];
  if (input.listing.length > 0) {
    parts.push(`Files in the workspace${input.listingTruncated ? ' (first ones only)' : ''}:\n${input.listing.join('\n')}`);
  }
  if (input.related.trim() !== '') parts.push(`Related code from the workspace:\n\n${input.related.trim()}`);
  for (const f of input.files) parts.push(`File ${f.relativePath}:\n\n${quote(f.text, languageTag(f.languageId))}`);
  parts.push(`Instruction:\n${input.instruction.trim()}`);
  parts.push('Answer with the JSON plan only.');
  return [
    { role: 'system', content: PLAN_SYSTEM },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

export interface StepPromptInput {
  instruction: string;
  summary: string;
  step: { action: 'modify' | 'create'; relativePath: string; description: string };
  /** The other steps of the plan, for orientation. */
  otherSteps: ReadonlyArray<{ action: string; relativePath: string; description: string }>;
  /** Files already changed or created by earlier steps of this run (their new text). */
  earlier: ReadonlyArray<{ relativePath: string; text: string; languageId?: string }>;
  related: string;
  /** Current text of the file (modify). */
  text?: string;
  languageId?: string;
}

export function stepMessages(input: StepPromptInput): ChatMessage[] {
  const parts: string[] = [];
  if (input.related.trim() !== '') parts.push(`Related code from the workspace (for reference):\n\n${input.related.trim()}`);
  for (const f of input.earlier)
    parts.push(`${f.relativePath}, as changed by an earlier step:\n\n${quote(f.text, languageTag(f.languageId))}`);
  parts.push(`The overall change: ${input.instruction.trim()}${input.summary ? `\nPlan: ${input.summary}` : ''}`);
  if (input.otherSteps.length > 0) {
    parts.push(
      `Other steps of the plan (done separately):\n${input.otherSteps.map((s) => `- ${s.action} ${s.relativePath}: ${s.description}`).join('\n')}`,
    );
  }
  if (input.step.action === 'modify') {
    parts.push(`Current content of ${input.step.relativePath}:\n\n${quote(input.text ?? '', languageTag(input.languageId))}`);
    parts.push(`Your step: ${input.step.description}\nEdit only ${input.step.relativePath}, with SEARCH/REPLACE blocks.`);
    return [
      { role: 'system', content: STEP_SYSTEM },
      { role: 'user', content: parts.join('\n\n') },
    ];
  }
  parts.push(
    `Your step: create ${input.step.relativePath}. ${input.step.description}\nAnswer with the whole file in one fenced code block.`,
  );
  return [
    { role: 'system', content: CREATE_SYSTEM },
    { role: 'user', content: parts.join('\n\n') },
  ];
}
