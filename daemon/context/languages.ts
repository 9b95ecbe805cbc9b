/**
 * What the context engine knows about a language: how to recognise it from a file
 * name, which lines start a declaration (and the name it declares), which lines are
 * comments or decorators attached to the declaration below them, and how to write a
 * comment in it (used to render retrieved context inside a FIM prompt).
 */
import { extname, basename } from 'node:path';

export type CommentStyle = { line: string } | { open: string; close: string };

export interface LanguageSpec {
  id: string;
  /** Regexes whose first non-empty capture group is the declared name. */
  declarations: RegExp[];
  /** Lines that belong to the declaration that follows (comments, decorators, attributes). */
  attached: RegExp;
  comment: CommentStyle;
  /** Whether bodies are delimited by braces (used by the compactor). */
  braces: boolean;
}

const cLike = /^\s*(\/\/|\/\*|\*|@\w)/;
const hashComment = /^\s*(#|@\w)/;

const tsDecl = [
  /^\s*(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\s*\*?|class|interface|type|enum|namespace|module)\s+([A-Za-z_$][\w$]*)/,
  /^(?:export\s+)?(?:declare\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)/,
  /^\s+export\s+(?:declare\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)/,
  /^\s+(?:(?:public|private|protected|static|readonly|async|override|abstract|declare|get|set)\s+)*(?!(?:if|for|while|switch|catch|return|function|new|typeof|await|super|else|do|try|with|void|delete|in|of)\b)([A-Za-z_$#][\w$]*)\s*(?:<[^>()]*>)?\s*\([^;]*\)\s*(?::\s*[^=;]+)?\{\s*$/,
  /^\s+(?:(?:public|private|protected|static|readonly|override|declare)\s+)+([A-Za-z_$#][\w$]*)\s*[?!]?\s*[:=]/,
];

const specs: Record<string, LanguageSpec> = {
  typescript: { id: 'typescript', declarations: tsDecl, attached: cLike, comment: { line: '//' }, braces: true },
  javascript: { id: 'javascript', declarations: tsDecl, attached: cLike, comment: { line: '//' }, braces: true },
  python: {
    id: 'python',
    declarations: [/^\s*(?:async\s+)?def\s+(\w+)/, /^\s*class\s+(\w+)/, /^([A-Za-z_]\w*)\s*(?::\s*[^=]+)?=(?!=)/],
    attached: hashComment,
    comment: { line: '#' },
    braces: false,
  },
  go: {
    id: 'go',
    declarations: [/^func\s+(?:\([^)]*\)\s*)?(\w+)/, /^type\s+(\w+)/, /^(?:var|const)\s+(\w+)/, /^\t(\w+)\s+(?:struct|interface)\b/],
    attached: /^\s*\/\//,
    comment: { line: '//' },
    braces: true,
  },
  rust: {
    id: 'rust',
    declarations: [
      /^\s*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?(?:extern\s+"[^"]*"\s+)?(?:fn|struct|enum|trait|type|mod|const|static|union)\s+(\w+)/,
      /^\s*macro_rules!\s*(\w+)/,
      /^\s*impl(?:<[^>]*>)?\s+(?:[\w:<>, ]+\s+for\s+)?(\w+)/,
    ],
    attached: /^\s*(\/\/|#\[|#!\[)/,
    comment: { line: '//' },
    braces: true,
  },
  java: {
    id: 'java',
    declarations: [
      /^\s*(?:(?:public|private|protected|internal|static|final|abstract|sealed|open|data|override|virtual|async|partial|inline|suspend|private\s+set)\s+)*(?:class|interface|enum|record|struct|object|fun|trait)\s+(\w+)/,
      /^\s*(?:(?:public|private|protected|internal|static|final|abstract|override|virtual|async|synchronized|native|default)\s+)+(?:<[^>]+>\s+)?[\w<>[\],.? ]+?\s+(\w+)\s*\(/,
    ],
    attached: cLike,
    comment: { line: '//' },
    braces: true,
  },
  c: {
    id: 'c',
    declarations: [
      /^(?:typedef\s+)?(?:struct|class|enum|union|namespace)\s+(\w+)/,
      /^#define\s+(\w+)/,
      /^(?!(?:if|for|while|switch|return|else|do)\b)[A-Za-z_][\w\s*&:<>,]*?[\s*&]((?:\w+::)*~?\w+)\s*\([^;]*$/,
    ],
    attached: /^\s*(\/\/|\/\*|\*|template\s*<)/,
    comment: { line: '//' },
    braces: true,
  },
  ruby: {
    id: 'ruby',
    declarations: [/^\s*def\s+(?:self\.)?([\w?!=]+)/, /^\s*class\s+([\w:]+)/, /^\s*module\s+([\w:]+)/],
    attached: /^\s*#/,
    comment: { line: '#' },
    braces: false,
  },
  php: {
    id: 'php',
    declarations: [
      /^\s*(?:(?:public|private|protected|static|abstract|final)\s+)*function\s+(\w+)/,
      /^\s*(?:abstract\s+|final\s+)?(?:class|interface|trait|enum)\s+(\w+)/,
    ],
    attached: /^\s*(\/\/|\/\*|\*|#\[)/,
    comment: { line: '//' },
    braces: true,
  },
  shellscript: {
    id: 'shellscript',
    declarations: [/^\s*(?:function\s+)?([\w-]+)\s*\(\)\s*\{?/, /^\s*function\s+([\w-]+)/],
    attached: /^\s*#/,
    comment: { line: '#' },
    braces: true,
  },
  lua: {
    id: 'lua',
    declarations: [/^\s*(?:local\s+)?function\s+([\w.:]+)/],
    attached: /^\s*--/,
    comment: { line: '--' },
    braces: false,
  },
  sql: {
    id: 'sql',
    declarations: [/^\s*create\s+(?:or\s+replace\s+)?(?:table|view|function|procedure|index)\s+(?:if\s+not\s+exists\s+)?([\w.]+)/i],
    attached: /^\s*--/,
    comment: { line: '--' },
    braces: false,
  },
  css: { id: 'css', declarations: [], attached: /^\s*\/\*/, comment: { open: '/*', close: '*/' }, braces: true },
  html: { id: 'html', declarations: [], attached: /^\s*<!--/, comment: { open: '<!--', close: '-->' }, braces: false },
  markdown: {
    id: 'markdown',
    declarations: [/^#{1,6}\s+(.+?)\s*$/],
    attached: /^$^/,
    comment: { open: '<!--', close: '-->' },
    braces: false,
  },
  yaml: { id: 'yaml', declarations: [/^([\w.-]+):/], attached: /^\s*#/, comment: { line: '#' }, braces: false },
  toml: { id: 'toml', declarations: [/^\[([^\]]+)\]/], attached: /^\s*#/, comment: { line: '#' }, braces: false },
  plaintext: { id: 'plaintext', declarations: [], attached: /^$^/, comment: { line: '#' }, braces: false },
};

const byExtension: Record<string, string> = {
  '.ts': 'typescript',
  '.tsx': 'typescriptreact',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.js': 'javascript',
  '.jsx': 'javascriptreact',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.vue': 'javascript',
  '.svelte': 'javascript',
  '.py': 'python',
  '.pyi': 'python',
  '.go': 'go',
  '.rs': 'rust',
  '.java': 'java',
  '.kt': 'kotlin',
  '.kts': 'kotlin',
  '.scala': 'scala',
  '.cs': 'csharp',
  '.swift': 'swift',
  '.dart': 'dart',
  '.groovy': 'groovy',
  '.c': 'c',
  '.h': 'c',
  '.cc': 'cpp',
  '.cpp': 'cpp',
  '.cxx': 'cpp',
  '.hpp': 'cpp',
  '.hh': 'cpp',
  '.m': 'objective-c',
  '.mm': 'objective-cpp',
  '.rb': 'ruby',
  '.php': 'php',
  '.sh': 'shellscript',
  '.bash': 'shellscript',
  '.zsh': 'shellscript',
  '.lua': 'lua',
  '.sql': 'sql',
  '.css': 'css',
  '.scss': 'css',
  '.less': 'css',
  '.html': 'html',
  '.htm': 'html',
  '.xml': 'html',
  '.svg': 'html',
  '.md': 'markdown',
  '.mdx': 'markdown',
  '.yml': 'yaml',
  '.yaml': 'yaml',
  '.toml': 'toml',
  '.json': 'plaintext',
  '.txt': 'plaintext',
  '.rst': 'plaintext',
  '.ini': 'plaintext',
  '.cfg': 'plaintext',
};

/** VS Code language ids that map onto one of our specs. */
const byLanguageId: Record<string, string> = {
  typescriptreact: 'typescript',
  javascriptreact: 'javascript',
  cpp: 'c',
  csharp: 'java',
  kotlin: 'java',
  scala: 'java',
  swift: 'java',
  dart: 'java',
  'objective-c': 'c',
  'objective-cpp': 'c',
  groovy: 'java',
  scss: 'css',
  less: 'css',
  xml: 'html',
  json: 'plaintext',
  jsonc: 'plaintext',
};

/** Files named like this are code even without an extension. */
const byFileName: Record<string, string> = { Makefile: 'shellscript', Dockerfile: 'shellscript', Rakefile: 'ruby', Gemfile: 'ruby' };

/**
 * Language of a file by its name (a VS Code language id), or undefined when we do not index it.
 * Languages without a spec of their own share one (`specFor`); the syntax layer picks the
 * grammar by this id (syntax/grammars.ts).
 */
export function languageOfPath(path: string): string | undefined {
  const ext = extname(path).toLowerCase();
  if (ext) return byExtension[ext];
  return byFileName[basename(path)];
}

export function specFor(languageId: string): LanguageSpec {
  return specs[languageId] ?? specs[byLanguageId[languageId] ?? ''] ?? specs.plaintext;
}

/** The declared name on this line, if it starts a declaration. */
export function declaredName(spec: LanguageSpec, line: string): string | undefined {
  for (const re of spec.declarations) {
    const m = re.exec(line);
    if (m) {
      for (let i = 1; i < m.length; i++) if (m[i]) return m[i];
    }
  }
  return undefined;
}

/** Render `text` as a comment block in the language (each line commented). */
export function asComment(spec: LanguageSpec, text: string): string {
  const style = spec.comment;
  if ('line' in style) {
    return text
      .split('\n')
      .map((l) => (l === '' ? style.line : `${style.line} ${l}`))
      .join('\n');
  }
  const safe = text.split(style.close).join(style.close.split('').join(' '));
  return `${style.open}\n${safe}\n${style.close}`;
}
