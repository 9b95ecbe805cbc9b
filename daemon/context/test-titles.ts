/**
 * TypeScript/JavaScript tests: the titles of the `describe`/`it`/`test` calls whose callbacks
 * hold the cursor name what the code there exercises (`describe('isValidAttributeName', () => {`
 * … `expect(` is about to call isValidAttributeName). The identifiers written in those titles,
 * read from the last 16 KB of the prefix (at most 40 titles), for an imported name not used yet.
 */
import { identifiersIn } from './identifiers';

const WINDOW = 16_384;
const MAX_TITLES = 40;
// `describe('…'`, `it.only('…'`, `test.each([…])('…'`, test.each`table`('…'`.
const TEST_CALL =
  /\b(?:describe|it|test|suite|context|bench)(?:\.(?:each|only|skip|concurrent|todo|skipIf|runIf))*(?:\s*`[^`]*`|\s*\((?:[^()'"`]|\([^()]*\))*\))?\s*\(\s*(['"`])((?:(?!\1)[^\\\n]|\\.){1,300})\1/g;

/** The identifiers of the titles of the test calls enclosing the end of `before`. */
export function enclosingTestTitleNames(before: string): Set<string> {
  const out = new Set<string>();
  const text = before.length > WINDOW ? before.slice(before.length - WINDOW) : before;
  if (!/\b(?:describe|it|test|suite|context|bench)\b/.test(text)) return out;
  const open = openParens(text);
  TEST_CALL.lastIndex = 0;
  let n = 0;
  for (let m = TEST_CALL.exec(text); m && n < MAX_TITLES; m = TEST_CALL.exec(text), n++) {
    const quote = m.index + m[0].length - m[2].length - 2;
    if (open.has(text.lastIndexOf('(', quote))) for (const name of identifiersIn(m[2])) out.add(name);
  }
  return out;
}

/** The offsets of the parentheses still open at the end of `text` (strings and line comments skipped). */
function openParens(text: string): Set<number> {
  const stack: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) break;
      // A quote its line never closes (an apostrophe in a comment) starts no string.
      const nl = text.indexOf('\n', i + 1);
      if (c !== '`' && nl >= 0 && nl < end) continue;
      i = end;
    } else if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl;
    } else if (c === '(') stack.push(i);
    else if (c === ')') stack.pop();
  }
  return new Set(stack);
}
