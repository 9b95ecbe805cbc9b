/**
 * Go: the type of a function literal's parameter from where the literal goes. In
 * `router.GET("/x", func(c *|` the literal is argument 1 of a call of GET; GET's declaration
 * (a method or a function of that name in the workspace: the receiver is not typed here)
 * gives that parameter's type, `...HandlerFunc`; a function type written there (`func(*Context)`)
 * or named by it (`type HandlerFunc func(*Context)`) gives the literal's parameter types, so
 * `c` is a `*Context`. Read from one-line declarations only; at most CALLEE_DEFINITIONS of
 * each name (two lookups and two chunk reads per keystroke at such a position).
 */
import type { DefinitionSite } from './syntax/facts';
import { closing, normalType, parameterText, parameterTypes, type GoValueIndex } from './go-values';

const CALLEE_DEFINITIONS = 8;

/** The literal's parameter type the cursor is typing (`func(c *|` inside a call), spaces removed, or undefined. */
export function goCallbackParameterType(line: string, index: GoValueIndex): string | undefined {
  const text = line.replace(/"(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)*'/g, '""');
  const literal = unclosed(text, text.length);
  if (!literal || !/\bfunc\s*$/.test(text.slice(0, literal.open))) return undefined;
  const call = unclosed(text, /\bfunc\s*$/.exec(text.slice(0, literal.open))!.index);
  if (!call) return undefined;
  const callee = /(\w+)\s*$/.exec(text.slice(0, call.open))?.[1];
  if (!callee || /\bfunc\s+\w+\s*$/.test(text.slice(0, call.open))) return undefined;
  const param = firstReadable(index, callee, ['function', 'method'], (decl) => parameterText(decl, call.commas, true)?.type);
  if (!param) return undefined;
  const fn = /^func\s*\(/.test(param) ? param : namedFunctionType(index, param);
  if (!fn) return undefined;
  const open = fn.indexOf('(');
  const close = closing(fn, open + 1);
  if (close < 0) return undefined;
  const t = parameterTypes(fn.slice(open + 1, close))[literal.commas];
  return t && !t.startsWith('...') ? normalType(t) : undefined;
}

/** The innermost `(` left open before `end` in `text` and the top-level commas after it. */
function unclosed(text: string, end: number): { open: number; commas: number } | undefined {
  let depth = 0;
  let commas = 0;
  for (let i = end - 1; i >= 0; i--) {
    const c = text[i];
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '(' || c === '[' || c === '{') {
      if (depth === 0) return c === '(' ? { open: i, commas } : undefined;
      depth--;
    } else if (c === ',' && depth === 0) commas++;
  }
  return undefined;
}

/** `type HandlerFunc func(*Context)` → `func(*Context)` (the package qualifier of `gin.HandlerFunc` dropped). */
function namedFunctionType(index: GoValueIndex, written: string): string | undefined {
  const name = /^\*?(?:\w+\.)?(\w+)$/.exec(written.trim())?.[1];
  if (!name) return undefined;
  const re = new RegExp(`^\\s*(?:type\\s+)?${name}\\s+(func\\s*\\(.*)$`);
  return firstReadable(index, name, ['type'], (decl) => re.exec(decl)?.[1]);
}

/** The first answer `read` gives for the declaration line of a definition named `name` of one of `kinds`. */
function firstReadable(index: GoValueIndex, name: string, kinds: string[], read: (decl: string) => string | undefined): string | undefined {
  const defs: DefinitionSite[] = index.definitions(name, CALLEE_DEFINITIONS).filter((d) => kinds.includes(d.kind));
  if (defs.length === 0) return undefined;
  const rows = index.chunks(defs.map((d) => d.chunkId));
  for (const d of defs) {
    const row = rows.get(d.chunkId);
    const decl = row?.text.split('\n')[d.line - row.startLine];
    const found = decl ? read(decl) : undefined;
    if (found) return found;
  }
  return undefined;
}
