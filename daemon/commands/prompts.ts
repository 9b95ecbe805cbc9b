/**
 * Prompts of the everyday commands. Deterministic and cache-friendly like the edit
 * prompts (daemon/edit/prompts.ts, whose quoting they share): the fixed instructions in
 * the system message, then the stable context (related code and project rules), then
 * the volatile part (the region, the diff, the instruction). Pure.
 */
import type { ChatMessage } from '../router/types';
import { languageTag, quote } from '../edit/prompts';

export const INLINE_SYSTEM = `You are Tandem's inline code editor. You rewrite one region of a file as the instruction asks, keeping the code's style and indentation, and keeping the code around the region working. Change nothing the instruction does not ask for.

Answer with the complete new text of the region, every line of it from its first to its last, with its indentation, in one fenced code block, and nothing else. Do not repeat the lines before or after the region.`;

/** Lines of the file shown before and after the region. */
const CONTEXT_BEFORE = 40;
const CONTEXT_AFTER = 20;

export interface InlinePromptInput {
  relativePath: string;
  languageId: string;
  /** The document's lines (without line breaks). */
  lines: readonly string[];
  startLine: number;
  endLine: number;
  instruction: string;
  /** Earlier rounds of this inline edit, oldest first. */
  history: ReadonlyArray<{ instruction: string; proposal: string }>;
  /** Related definitions and project rules from the context engine, rendered as markdown ('' when none). */
  related: string;
}

export function inlineEditMessages(input: InlinePromptInput): ChatMessage[] {
  const tag = languageTag(input.languageId);
  const { lines, startLine, endLine } = input;
  const parts: string[] = [];
  if (input.related.trim() !== '')
    parts.push(`Related code from the workspace (for reference; do not edit it):\n\n${input.related.trim()}`);
  const before = lines.slice(Math.max(0, startLine - CONTEXT_BEFORE), startLine);
  const after = lines.slice(endLine + 1, endLine + 1 + CONTEXT_AFTER);
  const region = lines.slice(startLine, endLine + 1).join('\n');
  const span = `lines ${startLine + 1}-${endLine + 1}`;
  if (before.length > 0) parts.push(`${input.relativePath}, the lines before the region:\n\n${quote(before.join('\n'), tag)}`);
  parts.push(`The region to rewrite (${span} of ${input.relativePath}):\n\n${quote(region, tag)}`);
  if (after.length > 0) parts.push(`${input.relativePath}, the lines after the region:\n\n${quote(after.join('\n'), tag)}`);
  for (const [k, round] of input.history.entries()) {
    parts.push(
      `Instruction ${k + 1}: ${round.instruction.trim()}\n\nYour answer to it, the region's new text:\n\n${quote(round.proposal, tag)}`,
    );
  }
  if (input.history.length > 0) {
    parts.push(
      `Follow-up instruction: ${input.instruction.trim()}\n\nStart from your last answer and apply this too. Answer with the region's complete new text (replacing ${span}) in one code block.`,
    );
  } else {
    parts.push(
      `Instruction: ${input.instruction.trim()}\n\nAnswer with the region's complete new text (replacing ${span}) in one code block.`,
    );
  }
  return [
    { role: 'system', content: INLINE_SYSTEM },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

export const COMMIT_SYSTEM = `You are Tandem's commit message writer. From a diff you write the commit message a careful engineer of this repository would write: what changed and why it matters, not a list of files.

Answer with the commit message only, no code fences, quotes or preamble: a subject line, then, when the change needs it, a blank line and a short body wrapped at 72 characters.`;

export interface CommitPromptInput {
  /** The diff, or its per-file summary when it was too large. */
  diff: string;
  summarised: boolean;
  staged: boolean;
  style: readonly string[];
  recentSubjects: readonly string[];
  branch?: string;
}

export function commitMessages(input: CommitPromptInput): ChatMessage[] {
  const parts: string[] = [];
  if (input.recentSubjects.length > 0) {
    parts.push(`Subjects of the repository's latest commits, newest first:\n${input.recentSubjects.map((s) => `- ${s}`).join('\n')}`);
  }
  if (input.style.length > 0) parts.push(`Follow the repository's style:\n${input.style.map((s) => `- ${s}`).join('\n')}`);
  if (input.branch) parts.push(`Branch: ${input.branch}`);
  const what = input.staged ? 'The staged changes' : 'The changes in the working tree (nothing is staged)';
  parts.push(
    `${what}${input.summarised ? ', summarised per file because the whole diff is too large' : ''}:\n\n${quote(input.diff, 'diff')}`,
  );
  parts.push('Write the commit message.');
  return [
    { role: 'system', content: COMMIT_SYSTEM },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

export const TESTS_SYSTEM = `You are Tandem's test writer. You write focused, runnable unit tests for the code you are shown, in the project's existing test framework and style: the normal case, edge cases and error cases, with precise assertions on real behaviour. Import the code under test the way the project's other tests do. Do not change the code under test.`;

export interface TestsPromptInput {
  framework: string;
  evidence: readonly string[];
  sourcePath: string;
  languageId: string;
  /** The code to test (the function or the selection). */
  target: string;
  name?: string;
  /** The whole source file, or the lines around the target when it is long. */
  source: string;
  testPath: string;
  /** The existing test file's text when the test is added to it. */
  existing?: string;
  /** Another test of the project, as an example of its style (when creating a file). */
  example?: { path: string; text: string };
  /** The import path of the source from the test file (`../src/sum`, `pkg.module`). */
  importHint?: string;
  related: string;
}

export function testsMessages(input: TestsPromptInput): ChatMessage[] {
  const tag = languageTag(input.languageId);
  const parts: string[] = [];
  if (input.related.trim() !== '') parts.push(`Related code from the workspace (for reference):\n\n${input.related.trim()}`);
  parts.push(`The project tests with ${input.framework} (${input.evidence.join(' ')}).`);
  if (input.example)
    parts.push(`An existing test of the project, ${input.example.path}, for its style:\n\n${quote(input.example.text, tag)}`);
  parts.push(`The source file ${input.sourcePath}:\n\n${quote(input.source, tag)}`);
  parts.push(`The code to test${input.name ? ` (${input.name})` : ''}:\n\n${quote(input.target, tag)}`);
  if (input.existing !== undefined) {
    parts.push(`The existing test file ${input.testPath}:\n\n${quote(input.existing, tag)}`);
    parts.push(
      `Add tests for this code to ${input.testPath} with SEARCH/REPLACE blocks (path on the line before each block; to append, quote the file's last lines in SEARCH and repeat them in REPLACE followed by the new tests). Add imports the new tests need the same way.

${input.testPath}
<<<<<<< SEARCH
the current lines, copied exactly
=======
the new lines
>>>>>>> REPLACE`,
    );
  } else {
    parts.push(
      `Write the new test file ${input.testPath}${input.importHint ? ` (import the code under test from ${input.importHint})` : ''}. Answer with its complete content in one fenced code block, and nothing else.`,
    );
  }
  return [
    { role: 'system', content: TESTS_SYSTEM },
    { role: 'user', content: parts.join('\n\n') },
  ];
}
