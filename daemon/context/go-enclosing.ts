/**
 * Go: the function the cursor is in, innermost first, as the compiler scopes a `return`: a function
 * literal (`WrapCore(func(core zapcore.Core) zapcore.Core {`, `"json": func(c Config) (Encoder, error) {`)
 * returns for itself, not for the declaration around it. Read by matching braces back from the cursor
 * (strings, runes, raw strings and line comments left out).
 */
import { closing, resultOf } from './go-values';

/**
 * The result the innermost function around the end of `code` declares on its header line, as written
 * ('' for none); undefined when no open brace is a function's.
 */
export function goEnclosingResult(code: string): string | undefined {
  for (const { text, brace, head } of openBraces(code)) {
    // A declaration's parameters over several lines: gofmt closes them at the line's start, `) error {`.
    const closed = /^\)\s*(.*?)\s*\{$/.exec(head);
    if (closed) return closed[1];
    if (!/\bfunc\b/.test(head)) continue;
    // gofmt ends a function's header line with its brace.
    const eol = text.indexOf('\n', brace);
    if (!/^\s*$/.test(text.slice(brace + 1, eol < 0 ? text.length : eol))) return undefined;
    return headerResult(head.trim());
  }
  return undefined;
}

/**
 * The braces still open at the end of `code`, innermost first: each with its offset in `text` (`code` with
 * strings, runes and raw strings blanked and line comments dropped) and its line up to and with it.
 */
function* openBraces(code: string): Generator<{ text: string; brace: number; head: string }> {
  const text = code.replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`|\/\/[^\n]*/g, (s) => (s.startsWith('/') ? '' : '""'));
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text[i];
    if (c === '}') depth++;
    else if (c === '{') {
      if (depth > 0) depth--;
      else yield { text, brace: i, head: text.slice(text.lastIndexOf('\n', i - 1) + 1, i + 1) };
    }
  }
}

/** The result of the first function on a header line (a declaration or a literal) ending with its `{`. */
function headerResult(head: string): string | undefined {
  if (/^func\b/.test(head)) {
    const declared = resultOf(head);
    if (declared !== undefined) return declared;
  }
  const m = /\bfunc\s*\(/.exec(head);
  if (!m) return undefined;
  const close = closing(head, m.index + m[0].length);
  if (close < 0) return undefined;
  return /^\s*([^{]*?)\s*\{\s*$/.exec(head.slice(close + 1))?.[1];
}

/**
 * The first `max` lines of `after` (the text after the cursor's line) still in the block the cursor's line
 * (indented `indent`) is in: gofmt closes that block with a `}` indented less, after which a name declared at
 * the cursor is out of scope. Indentation, not brace counting: the rest of the cursor's line may open braces.
 */
export function goScopeLines(after: string, max: number, indent: string): string[] {
  const out: string[] = [];
  for (const l of after.split('\n', max)) {
    const lead = /^\s*/.exec(l)![0];
    if (l[lead.length] === '}' && lead.length < indent.length) break;
    out.push(l);
  }
  return out;
}

/** How many enclosing functions' headers are read, innermost first. */
const MAX_HEADERS = 4;

/**
 * The header lines of the functions open at the end of `code`, innermost first, each from its `func`
 * keyword (`func(log *Logger) {` of `return optionFunc(func(log *Logger) {`), up to MAX_HEADERS.
 */
export function goEnclosingHeaders(code: string): string[] {
  const out: string[] = [];
  for (const { head } of openBraces(code)) {
    if (out.length >= MAX_HEADERS) break;
    const f = /\bfunc\b/.exec(head);
    if (f) out.push(head.slice(f.index));
  }
  return out;
}
