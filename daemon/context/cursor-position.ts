/**
 * What kind of name the cursor's position takes, read from the text right before it:
 * a type (`x: |`, `): |`, `extends |`, `List<|`, `-> |`, `Optional[|`), a value
 * (`= |`, `return |`, `f(|`, `new |` takes a class, which is both), a key (TypeScript
 * `x[|`, `{ [|`: a constant or a symbol), or either. Ranking
 * prefers definitions of a fitting kind among those it places.
 */
import { goKindMismatch, goPositionKind } from './go-position';
import type { DefinitionKind } from './syntax/types';

/** `statement`: the start of a statement (Go: a call or an assignment); `key`: a computed key (TypeScript `x[`, `{ [`). */
export type PositionKind = 'type' | 'value' | 'class' | 'statement' | 'key' | 'any';

const TYPE_ONLY = new Set<string>(['interface', 'type', 'trait']);
const VALUE_ONLY = new Set<string>(['function', 'method', 'variable', 'constant', 'field']);
const ANONYMOUS_NEW = new Set<string>(['java', 'csharp', 'kotlin']);

/** The kind of name expected at the end of `prefix` (only its last line and a little before are read). */
export function positionKind(prefix: string, languageId: string): PositionKind {
  const tail = prefix.slice(-300);
  const line = tail.slice(tail.lastIndexOf('\n') + 1);
  switch (languageId) {
    case 'typescript':
    case 'typescriptreact':
    case 'javascript':
    case 'javascriptreact':
      if (/\b(?:new|instanceof)\s+$/.test(line)) return 'class';
      // `x[|`, `{ [|`: an index or a computed key takes a key (a constant, a symbol), not a function or a class.
      if (/(?:[\w$)\]]\s*|\{\s*)\[\s*$/.test(line)) return 'key';
      if (/(?:\)\s*|\?|[\w$\]]\s*):\s*$/.test(line) && !objectLiteralKey(tail)) return 'type';
      if (
        /(?:\b(?:extends|implements|keyof|satisfies|as|is)\s+|[\w$]<\s*|[<,]\s*(?=$)|\b(?:type\s+[\w$]+(?:<[^>]*>)?\s*=\s*))$/.test(line) &&
        /\b(?:extends|implements|keyof|satisfies|as|is|type)\b|[\w$]</.test(line)
      )
        return 'type';
      if (tsTypeOperand(line) || /\bextends\s+[^=(){};]+=\s*$/.test(line)) return 'type';
      if (/(?:[=(,!?]|\breturn|\bthrow|\bawait|\byield|=>|&&|\|\|)\s*$/.test(line)) return 'value';
      return 'any';
    case 'python':
      if (
        /->\s*$/.test(line) ||
        /\b(?:Optional|List|Dict|Set|Tuple|Union|Type|Iterable|Sequence|Callable|Literal|Mapping)\[[^\]]*$/.test(line)
      )
        return 'type';
      if (/\bdef\s+\w+\s*\([^)]*:\s*$/.test(line) || /^\s*\w+\s*:\s*$/.test(line)) return 'type';
      if (/(?:[=(,]|\breturn|\braise|\bawait|\byield|\bin)\s*$/.test(line)) return 'value';
      return 'any';
    case 'rust':
      if (/(?:->|[\w)]\s*:|\bimpl|\bfor|\bdyn|[\w>]<|&(?:'\w+\s+)?(?:mut\s+)?)\s*$/.test(line) && !/\blet\s+[\w,\s()]*=\s*$/.test(line))
        return 'type';
      if (/(?:[=(,]|\breturn|=>)\s*$/.test(line)) return 'value';
      return 'any';
    case 'java':
    case 'csharp':
    case 'kotlin':
      if (/\b(?:new|instanceof)\s+$/.test(line)) return 'class';
      if (/\b(?:extends|implements|throws|instanceof)\s+$|[\w>]<\s*$|[<,]\s*$(?<=<[^>]*)/.test(line)) return 'type';
      if (/(?:[=(!]|\breturn|\bthrow)\s*$/.test(line)) return 'value';
      return 'any';
    case 'go':
      return goPositionKind(prefix);
    default:
      return 'any';
  }
}

/**
 * TypeScript: the next operand of a union or an intersection of types (`): TokenHeader |`, `} &`, a `| B` line
 * of a type alias), not of a bitwise operator: the line states a type (an annotation with no `=` after it, a
 * `type X =`, `extends`) or goes on with one from the line above.
 */
function tsTypeOperand(line: string): boolean {
  if (!/(?:^|[^|&])[|&]\s*$/.test(line)) return false;
  return (
    /^\s*[|&}>\])]/.test(line) ||
    /(?:\)\s*|\?|[\w$\]>]\s*):[^=]*$/.test(line) ||
    /\btype\s+[\w$]+(?:<[^>]*>)?\s*=/.test(line) ||
    /\b(?:extends|implements|satisfies|as|is)\s/.test(line)
  );
}

/**
 * `{ key: |` (an object literal's value) rather than an annotation: the innermost open bracket is a brace after `=`,
 * `(`, `,`, `:` or `return` (not one opening an object type: `type A = {`, `as {`, `T & {`).
 */
function objectLiteralKey(tail: string): boolean {
  let depth = 0;
  for (let i = tail.length - 1; i >= 0; i--) {
    const c = tail[i];
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '(' || c === '[') {
      if (depth === 0) return false;
      depth--;
    } else if (c === '{') {
      // `=> {` opens a function body (`=> ({` would be an object, but then `(` is innermost).
      // `type A = {`, `as {`, `T & {` open an object type, whose keys are annotated with types.
      if (depth === 0) {
        const lead = tail.slice(Math.max(0, i - 80), i);
        if (/(?:\btype\s+[\w$]+(?:<[^>]*>)?\s*=|\b(?:as|satisfies|extends)|<|(?<![|&])[|&])\s*$/.test(lead)) return false;
        return /(?:[(,:?]|(?<![=>])=|\|\||&&|\breturn)\s*$/.test(lead);
      }
      depth--;
    }
  }
  return false;
}

/**
 * 1 when a definition of this kind does not fit the position, else 0 (unknown kinds fit).
 * Python variables may be type aliases (`RenderableType = Union[…]`), and Java's values are
 * mostly reached through types (`Foo.of(…)`), so only what cannot fit counts there.
 */
export function kindMismatch(kind: DefinitionKind | string, position: PositionKind, languageId: string): number {
  if (languageId === 'go') return goKindMismatch(kind, position);
  if (position === 'type') return (languageId === 'python' ? kind === 'function' : VALUE_ONLY.has(kind)) ? 1 : 0;
  if (position === 'value') return TYPE_ONLY.has(kind) && languageId !== 'java' ? 1 : 0;
  if (position === 'key') return TYPE_ONLY.has(kind) || kind === 'function' || kind === 'method' || kind === 'class' ? 1 : 0;
  // `new X`, `x instanceof X`: a class. Plain values never; nor interfaces and aliases, but
  // in Java and C#, where `new Listener() { … }` makes an anonymous class of an interface.
  if (position === 'class') return VALUE_ONLY.has(kind) || (TYPE_ONLY.has(kind) && !ANONYMOUS_NEW.has(languageId)) ? 1 : 0;
  return 0;
}

/**
 * Where a member access `x.` stands, read from the text before the receiver on its line:
 * a condition (`if x.`, `if (!x.`, `while x.`, `&& x.`, `assert x.`, `not x.`) reads a
 * boolean; a value position (`= x.`, `f(x.`, `return x.`, `a + x.`) reads a value (`await x.`
 * too: a promise); in Go, `x.` starting its line is a statement; anything else (`x.` alone on
 * its line elsewhere) says nothing of the member.
 */
export type MemberPosition = 'condition' | 'value' | 'statement' | 'other';

export function memberPosition(before: string, languageId: string): MemberPosition {
  const tail = before.slice(-300);
  const line = tail.slice(tail.lastIndexOf('\n') + 1);
  // The receiver and its separator: `a.b.`, `this.pool.`, `crate::a::`, `f().`.
  const lead = line.replace(/(?:[A-Za-z_$][\w$]*(?:\(\))?\s*(?:\?\.|\.|::|->)\s*)+$/, '');
  if (lead === line) return 'other';
  // Go: the receiver starts the line, a statement (`c.Next()`, `c.Accepted = …`): a call there discards what it returns.
  // Not on a line of a call's arguments (`prometheus.NewCounterVec(\n\tprometheus.`): a value there.
  if (languageId === 'go' && /^\s*$/.test(lead))
    return goPositionKind(before.slice(0, before.length - line.length + lead.length)) === 'value' ? 'value' : 'statement';
  const python = languageId === 'python';
  if (/(?:^|[^\w$])(?:if|while|elif|assert!?|debug_assert!?|unless)\s*\(?\s*!?\s*$/.test(lead) || /(?:!|&&|\|\|)\s*$/.test(lead))
    return 'condition';
  if (python && /(?:^|\s)(?:not|and|or)\s+$/.test(lead)) return 'condition';
  if (positionKind(lead, languageId) === 'value' || /(?::=|[=([,+\-*/%<>?:]|\breturn|\byield)\s*$/.test(lead)) return 'value';
  return 'other';
}

/**
 * The name of the function whose body the cursor is in, as far as the last declaration
 * above it says (`func TestCounterAdd(`, `def test_add_row(`, `fn parse_args(`,
 * `function renderRow(`, `void testParse(`): what the code there is about. Only the last
 * 8 KB of the prefix are read; undefined when no declaration is there.
 */
export function enclosingFunctionName(prefix: string): string | undefined {
  const tail = prefix.slice(-8192);
  let name: string | undefined;
  const re =
    /^[ \t]*(?:(?:export|pub(?:\([^)]*\))?|async|unsafe|default)\s+)*(?:func|def|function\*?|fn)\s+(?:\([^)]*\)\s*)?([A-Za-z_$][\w$]*)|^[ \t]*(?:(?:public|protected|private|static|final|synchronized|abstract)\s+)*(?:void|[A-Z][\w<>,\s[\]]*)\s+([a-z_$][\w$]*)\s*\([^)]*\)\s*(?:throws\s+[\w.,\s]+)?\{/gm;
  for (const m of tail.matchAll(re)) name = m[1] ?? m[2];
  return name;
}
