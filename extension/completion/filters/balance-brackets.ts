/**
 * Keep brackets balanced across the suggestion and the document:
 * - a closing bracket that matches nothing (neither opened in the suggestion nor open
 *   in the prefix), or the wrong kind, ends the suggestion before it;
 * - a closing bracket that closes a bracket of the prefix while the text after the
 *   cursor already starts with that same bracket ends the suggestion before it (the
 *   document closes it already; accepting would leave two).
 * Brackets inside string literals and line comments (`//`, and `#` where the language
 * uses it) are ignored (a light scanner, not
 * a parser: good enough for the few lines of a suggestion).
 */
import { lineSuffix, type CompletionFilter } from './filter';

const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
const openers = new Set(['(', '[', '{']);

/** Languages whose line comments start with `#`. */
const hashCommentLanguages = new Set([
  'python',
  'ruby',
  'shellscript',
  'perl',
  'r',
  'yaml',
  'toml',
  'makefile',
  'dockerfile',
  'powershell',
  'coffeescript',
  'elixir',
  'julia',
  'nim',
]);

export function usesHashComments(languageId: string): boolean {
  return hashCommentLanguages.has(languageId);
}

/** Open brackets left by `text`, innermost last; strings and line comments skipped. */
export function openBrackets(text: string, hashComments = false): string[] {
  const stack: string[] = [];
  scan(text, hashComments, (ch) => {
    if (openers.has(ch)) stack.push(ch);
    else if (pairs[ch] && stack.at(-1) === pairs[ch]) stack.pop();
    return true;
  });
  return stack;
}

/** Calls `visit` with each bracket outside strings/comments and its index; stop when it returns false. */
function scan(text: string, hashComments: boolean, visit: (ch: string, index: number) => boolean): void {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote || (ch === '\n' && quote !== '`')) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') {
      quote = ch;
      continue;
    }
    if ((ch === '/' && text[i + 1] === '/') || (hashComments && ch === '#')) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) return;
      i = nl;
      continue;
    }
    if ((openers.has(ch) || pairs[ch]) && !visit(ch, i)) return;
  }
}

/** The prefix tail scanned for open brackets (bounded for speed). */
const PREFIX_SCAN_CHARS = 4000;

export const balanceBrackets: CompletionFilter = (text, ctx) => {
  const hash = usesHashComments(ctx.languageId);
  const prefixOpen = openBrackets(ctx.prefix.slice(-PREFIX_SCAN_CHARS), hash);
  const nextClose = lineSuffix(ctx).trimStart()[0];
  const own: string[] = [];
  let cut = -1;
  scan(text, hash, (ch, i) => {
    if (openers.has(ch)) {
      own.push(ch);
      return true;
    }
    if (own.length > 0) {
      if (own.at(-1) === pairs[ch]) {
        own.pop();
        return true;
      }
      cut = i;
      return false;
    }
    // Closes something of the prefix.
    if (prefixOpen.at(-1) !== pairs[ch] || nextClose === ch) {
      cut = i;
      return false;
    }
    prefixOpen.pop();
    return true;
  });
  return cut < 0 ? text : text.slice(0, cut).trimEnd();
};
