/**
 * Rust comments and literals blanked out (document-uses.ts reads identifiers from what is
 * left). A pattern cannot do it: Rust block comments nest, so the first star-slash does not
 * end one, and a doc comment quoting a glob (`**` then `/*.rs`) holds several of them.
 * One pass, keeping offsets and line breaks.
 */

/** Where a comment or literal may start: `//`, `/*`, a (byte, raw) string, a quote. */
const START = /\/[/*]|(?<![\w$])b?r#*"|"|'/g;
const CHAR = /'(?:\\(?:u\{[0-9a-fA-F]{1,6}\}|x[0-9a-fA-F]{2}|.)|[^'\\\n])'/y;
const BLOCK = /\/\*|\*\//g;

/** `text` with comments, strings and char literals replaced by spaces (line breaks kept). */
export function blankRustNoise(text: string): string {
  const parts: string[] = [];
  let kept = 0;
  const blank = (from: number, to: number) => {
    parts.push(text.slice(kept, from), text.slice(from, to).replace(/[^\n]/g, ' '));
    kept = to;
  };
  const n = text.length;
  START.lastIndex = 0;
  for (let m = START.exec(text); m; m = START.exec(text)) {
    const i = m.index;
    const tok = m[0];
    let to: number;
    if (tok === '//') {
      const end = text.indexOf('\n', i);
      to = end < 0 ? n : end;
    } else if (tok === '/*') {
      let depth = 1;
      BLOCK.lastIndex = i + 2;
      to = n;
      for (let b = BLOCK.exec(text); b; b = BLOCK.exec(text)) {
        depth += b[0] === '/*' ? 1 : -1;
        if (depth === 0) {
          to = b.index + 2;
          break;
        }
      }
    } else if (tok === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      to = Math.min(n, j + 1);
    } else if (tok === "'") {
      // A char literal (`'a'`, `'\n'`); a lifetime (`'a`) is code.
      CHAR.lastIndex = i;
      const c = CHAR.exec(text);
      if (!c) continue;
      to = i + c[0].length;
    } else {
      // Raw strings: `r"…"`, `br#"…"#`.
      const close = `"${tok.slice(tok.indexOf('r') + 1, -1)}`;
      const end = text.indexOf(close, i + tok.length);
      to = end < 0 ? n : end + close.length;
    }
    blank(i, to);
    START.lastIndex = to;
  }
  parts.push(text.slice(kept));
  return parts.join('');
}
