/**
 * Which names the document uses in its code, before and after the cursor: identifiers
 * outside comments, string literals and import statements (`import { Pool } from …`
 * imports `Pool`, it does not use it; a `Pool` in a doc comment is prose). The ranking
 * reads it to tell names already used from those about to be (a name imported but used
 * nowhere else in the file is most likely the one being typed).
 *
 * Bounded: the prefix's first and last MAX_SCAN characters and the suffix's first
 * MAX_SCAN, so a huge document costs the same as a large one.
 */
import { identifiersIn } from './identifiers';
import { blankRustNoise } from './rust-noise';

export const MAX_SCAN = 100_000;

export interface DocumentUses {
  /** Names used in code before the cursor. */
  before: Set<string>;
  /** Names used in code after the cursor, with the offset of their first use in the scanned suffix. */
  after: Map<string, number>;
}

type Family = 'c' | 'python' | 'rust' | 'go' | 'ruby';

const FAMILY: Record<string, Family> = {
  python: 'python',
  rust: 'rust',
  go: 'go',
  ruby: 'ruby',
  shellscript: 'ruby',
};

/** Comments and string literals of each family (replaced by spaces before identifiers are read). */
const NOISE: Record<Family, RegExp> = {
  c: /\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\[\s\S]|[^`\\])*`/g,
  go: /\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`[^`]*`/g,
  // A quote followed by one (escaped) character and a quote is a char; `'a` alone is a lifetime.
  rust: /\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|b?r#*"[\s\S]*?"#*|b?"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\\n])'/g,
  python: /#[^\n]*|[rRbBuUfF]{0,2}(?:"""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')/g,
  ruby: /#[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g,
};

/** Import (and package) statements of each family: they bring names in without using them. */
const IMPORTS: Record<Family, RegExp> = {
  c: /(^|\n)[ \t]*(?:(?:import|export)\s+(?:type\s+)?[\w$*\s,]*\{[^}]*\}\s*from\s*['"][^'"\n]*['"];?|(?:import|export)\s[^;\n]*?\sfrom\s*['"][^'"\n]*['"];?|import\s*['"][^'"\n]*['"];?|import\s+(?:static\s+)?[\w.*]+\s*;|(?:package|using)\s[\w.\s=]*;|#\s*include[^\n]*)/g,
  go: /(^|\n)[ \t]*(?:package\s+\w+|import\s*\([^)]*\)|import\s+(?:[\w.]+\s+)?"[^"\n]*")/g,
  rust: /(^|\n)[ \t]*(?:pub(?:\([^)]*\))?\s+)?(?:use\s[^;]*;|extern\s+crate\s[^;]*;|mod\s+\w+\s*;)/g,
  python: /(^|\n)[ \t]*(?:from\s+[.\w]+\s+import\s*(?:\([^)]*\)|[^\n]*)|import\s[^\n]*)/g,
  ruby: /(^|\n)[ \t]*(?:require(?:_relative)?\s[^\n]*|use\s[^\n;]*;?)/g,
};

/** Comments, strings and import statements blanked out (offsets kept: the same length). */
export function codeOnly(text: string, languageId: string): string {
  const family = FAMILY[languageId] ?? 'c';
  const blank = (m: string) => m.replace(/[^\n]/g, ' ');
  // Rust block comments nest: a pass that counts them (rust-noise.ts), before `use` statements are read.
  if (family === 'rust') return blankRustNoise(text).replace(IMPORTS.rust, blank);
  return text.replace(IMPORTS[family], blank).replace(NOISE[family], blank);
}

export function documentUses(prefix: string, suffix: string, languageId: string): DocumentUses {
  const head = prefix.length > 2 * MAX_SCAN ? `${prefix.slice(0, MAX_SCAN)}\n${prefix.slice(-MAX_SCAN)}` : prefix;
  const before = new Set(identifiersIn(codeOnly(head, languageId)));
  const after = new Map<string, number>();
  const tail = codeOnly(suffix.length > MAX_SCAN ? suffix.slice(0, MAX_SCAN) : suffix, languageId);
  for (const m of tail.matchAll(/[A-Za-z_$][\w$]*/g)) if (!after.has(m[0])) after.set(m[0], m.index);
  return { before, after };
}
