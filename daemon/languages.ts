/** VS Code language ids by file extension, for files the CLI reads from disk. */
import { extname, basename } from 'node:path';

const byExtension: Record<string, string> = {
  '.ts': 'typescript', '.mts': 'typescript', '.cts': 'typescript', '.tsx': 'typescriptreact',
  '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript', '.jsx': 'javascriptreact',
  '.py': 'python', '.pyi': 'python', '.go': 'go', '.rs': 'rust', '.java': 'java', '.kt': 'kotlin', '.kts': 'kotlin',
  '.c': 'c', '.h': 'c', '.cc': 'cpp', '.cpp': 'cpp', '.cxx': 'cpp', '.hpp': 'cpp', '.hh': 'cpp', '.cs': 'csharp',
  '.rb': 'ruby', '.php': 'php', '.swift': 'swift', '.scala': 'scala', '.lua': 'lua', '.sh': 'shellscript',
  '.bash': 'shellscript', '.zsh': 'shellscript', '.sql': 'sql', '.html': 'html', '.css': 'css', '.scss': 'scss',
  '.json': 'json', '.jsonc': 'jsonc', '.yaml': 'yaml', '.yml': 'yaml', '.toml': 'toml', '.md': 'markdown',
  '.vue': 'vue', '.svelte': 'svelte', '.dart': 'dart', '.ex': 'elixir', '.exs': 'elixir', '.hs': 'haskell',
  '.ml': 'ocaml', '.r': 'r', '.jl': 'julia', '.zig': 'zig', '.proto': 'proto', '.tf': 'terraform',
};

const byName: Record<string, string> = { Makefile: 'makefile', Dockerfile: 'dockerfile', 'CMakeLists.txt': 'cmake' };

export function languageIdForPath(path: string): string {
  return byName[basename(path)] ?? byExtension[extname(path).toLowerCase()] ?? 'plaintext';
}
