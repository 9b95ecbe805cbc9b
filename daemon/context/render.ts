/**
 * How retrieved chunks are written into a FIM prompt so that any model understands
 * them: as comments in the document's language, each headed by its path and lines,
 * in a deterministic order with the stable part first (definitions of the file's
 * imports, which change rarely, then the rest by path and line), so consecutive
 * prompts share the longest possible prefix in the server's prompt cache. A member
 * chunk cut out of a large class comes under its class's header lines (`context`), so
 * the model knows whose member it reads.
 */
import { asComment, specFor } from './languages';

export interface RenderItem {
  path: string;
  startLine: number;
  endLine: number;
  text: string;
  /** 0 = stable (imports of the current file), 1 = volatile (lexical / semantic hits). */
  tier: 0 | 1;
  /** Header lines of the class (or other container) a member chunk was cut out of. */
  context?: string;
}

/** A chunk's text as the model reads it: a member of a split class under its class's header lines. */
export function chunkBody(item: Pick<RenderItem, 'text' | 'context'>): string {
  return item.context ? `${item.context}\n${item.text}` : item.text;
}

export function renderChunk(languageId: string, item: RenderItem): string {
  return asComment(specFor(languageId), `Path: ${item.path} (lines ${item.startLine}-${item.endLine})\n${chunkBody(item)}`);
}

/** The prompt order: tier, then path, then line. */
export function promptOrder<T extends RenderItem>(items: T[]): T[] {
  return [...items].sort((a, b) => a.tier - b.tier || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || a.startLine - b.startLine);
}

/** The context block put before the prefix: chunks in the order given (`promptOrder`, or the assembler's), then the current file's path. */
export function renderContextBlock<T extends RenderItem>(
  languageId: string,
  items: T[],
  currentPath: string | undefined,
  /** Each item's `renderChunk`, when the caller has it already. */
  rendered: (item: T) => string = (i) => renderChunk(languageId, i),
): string {
  if (items.length === 0) return '';
  const parts = items.map((i) => rendered(i));
  if (currentPath) parts.push(asComment(specFor(languageId), `Path: ${currentPath}`));
  return parts.join('\n') + '\n';
}

/**
 * How retrieved context reaches the model: `comments` (any model: the block above), or
 * the repository-level layout a model family was trained on, placed before its FIM
 * prefix token by the router:
 * - `qwen-repo` (Qwen2.5-Coder): `<|repo_name|>name\n<|file_sep|>path\ncode\n…<|file_sep|>current\n`;
 * - `starcoder-repo` (StarCoder2): `<repo_name>name<file_sep>path\ncode\n…<file_sep>`, and the
 *   current file's path opens the FIM prefix (`<fim_prefix>current\nprefix…`).
 */
export type PromptLayout = 'comments' | 'qwen-repo' | 'starcoder-repo';

export const PromptLayouts: readonly PromptLayout[] = ['comments', 'qwen-repo', 'starcoder-repo'];

/** The pieces of a repository-level context: `head + pieces.map(p => p + '\n').join('') + tail`. */
export interface RepoContextParts {
  head: string;
  /** One per run of chunks from the same file (in prompt order), without its closing newline. */
  pieces: string[];
  tail: string;
  /** What opens the FIM prefix before the document's prefix ('' for Qwen). */
  prefixHead: string;
}

const REPO_TOKENS = {
  'qwen-repo': { repo: '<|repo_name|>', file: '<|file_sep|>' },
  'starcoder-repo': { repo: '<repo_name>', file: '<file_sep>' },
} as const;

/** One chunk as its own file section of a repository-level layout (what budget fitting measures). */
export function repoChunkPiece(layout: Exclude<PromptLayout, 'comments'>, item: RenderItem): string {
  return `${REPO_TOKENS[layout].file}${item.path}\n${chunkBody(item)}`;
}

/**
 * The repository-level context for `items` in the order given (`promptOrder`, or the
 * assembler's), consecutive chunks of one file in one section separated by a blank line.
 */
export function repoContextParts(
  layout: Exclude<PromptLayout, 'comments'>,
  items: RenderItem[],
  repoName: string,
  currentPath: string,
): RepoContextParts {
  const t = REPO_TOKENS[layout];
  const pieces: string[] = [];
  let path: string | undefined;
  let bodies: string[] = [];
  const flush = () => {
    if (path !== undefined) pieces.push(`${t.file}${path}\n${bodies.join('\n\n')}`);
  };
  for (const it of items) {
    if (it.path !== path) {
      flush();
      path = it.path;
      bodies = [];
    }
    bodies.push(chunkBody(it));
  }
  flush();
  if (layout === 'qwen-repo') return { head: `${t.repo}${repoName}\n`, pieces, tail: `${t.file}${currentPath}\n`, prefixHead: '' };
  return { head: `${t.repo}${repoName}`, pieces, tail: t.file, prefixHead: `${currentPath}\n` };
}

export function joinRepoContext(parts: RepoContextParts): string {
  return parts.head + parts.pieces.map((p) => `${p}\n`).join('') + parts.tail;
}
