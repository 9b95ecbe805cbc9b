/**
 * `@` mentions in a chat question: `@path/to/file` attaches a workspace file and
 * `@codebase` asks for retrieval over the workspace index. Pure string functions,
 * used by the webview (completion while typing) and the extension (resolving paths).
 */
export const CODEBASE_MENTION = 'codebase';

export interface ParsedMentions {
  /** Mentioned paths as typed (workspace-relative), in order, without duplicates. */
  files: string[];
  codebase: boolean;
}

const MENTION = /(^|[\s(])@([^\s@`]+)/g;

/** Trailing punctuation that ends a sentence rather than a path. */
function trimPath(p: string): string {
  return p.replace(/[.,;:!?)\]'"]+$/, '');
}

export function parseMentions(text: string): ParsedMentions {
  const files: string[] = [];
  let codebase = false;
  for (const m of text.matchAll(MENTION)) {
    const name = trimPath(m[2]);
    if (name === '') continue;
    if (name === CODEBASE_MENTION) codebase = true;
    else if (!files.includes(name)) files.push(name);
  }
  return { files, codebase };
}

export interface MentionAtCaret {
  /** Index of the `@`. */
  start: number;
  /** What follows `@` up to the caret. */
  query: string;
}

/** The mention being typed at `caret`, if the caret is inside an `@word`. */
export function mentionAt(text: string, caret: number): MentionAtCaret | undefined {
  const before = text.slice(0, caret);
  const m = /(^|[\s(])@([^\s@`]*)$/.exec(before);
  if (!m) return undefined;
  return { start: caret - m[2].length - 1, query: m[2] };
}

/** Replace the mention at the caret by `@label ` and return the new text and caret. */
export function applyMention(text: string, mention: MentionAtCaret, label: string): { text: string; caret: number } {
  const end = mention.start + 1 + mention.query.length;
  const insert = `@${label} `;
  const rest = text.slice(end).replace(/^\S*/, '').replace(/^ /, '');
  return { text: text.slice(0, mention.start) + insert + rest, caret: mention.start + insert.length };
}
