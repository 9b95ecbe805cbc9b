/**
 * What goes into a chat question besides its text: the selection, `@file` mentions, the
 * active file and `@codebase` retrieval, each read by the daemon (files only inside
 * registered workspace roots, realpath checked) and clipped to the context budget in
 * that order of priority. Every piece, used or not, is reported as a `ChatContextItem`
 * so the panel can show what the answer was based on.
 */
import { realpathSync } from 'node:fs';
import { extname, relative, sep } from 'node:path';
import { readInsideRoots } from '../../shared/paths';
import { ErrorCodes, TandemError, isCancellation, type ChatContextItem, type ChatSelection } from '../../protocol';
import type { ChatAssembly, ChatAssemblyRequest } from '../context/types';
import type { ContextBlock, TokenCount } from './prompt';
import { renderBlock } from './prompt';

export interface ChatContextInput {
  selection?: ChatSelection;
  activeFile?: { path: string; languageId: string };
  files: string[];
  codebase: boolean;
}

export interface GatherDeps {
  counter: TokenCount;
  /** Canonical registered workspace roots. */
  roots: string[];
  /** The context engine's chat retrieval (`@codebase`). */
  assembleChat(req: ChatAssemblyRequest): Promise<ChatAssembly>;
}

export interface Gathered {
  blocks: ContextBlock[];
  items: ChatContextItem[];
  /** Project rules found by `@codebase` retrieval (undefined when it did not run). */
  rules?: Array<{ path: string; text: string }>;
  /** The root the question is about, when known. */
  root?: string;
}

/** Largest file read for `@file` / the active file, before clipping. */
const MAX_FILE_BYTES = 2 * 1024 * 1024;
/** Below this many tokens left, `@codebase` retrieval is not worth running. */
const MIN_RETRIEVAL_TOKENS = 200;

export function isInside(root: string, abs: string): boolean {
  return abs === root || abs.startsWith(root.endsWith(sep) ? root : root + sep);
}

export function rootOf(roots: string[], abs: string): string | undefined {
  // The deepest root wins for nested roots.
  return roots.filter((r) => isInside(r, abs)).sort((a, b) => b.length - a.length)[0];
}

function label(roots: string[], abs: string): string {
  const root = rootOf(roots, abs);
  return root ? relative(root, abs).split(sep).join('/') || abs : abs;
}

/** Keep the first lines of `text` that fit `maxTokens`; `lines` is how many were kept. */
export function clipToTokens(
  counter: TokenCount,
  text: string,
  maxTokens: number,
): { text: string; tokens: number; clipped: boolean; lines: number } {
  const all = text.split('\n');
  const whole = counter.count(text);
  if (whole <= maxTokens) return { text, tokens: whole, clipped: false, lines: all.length };
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (counter.count(all.slice(0, mid).join('\n')) <= maxTokens) lo = mid;
    else hi = mid - 1;
  }
  const kept = all.slice(0, lo).join('\n');
  return { text: kept, tokens: counter.count(kept), clipped: true, lines: lo };
}

function languageTag(path: string, languageId?: string): string {
  if (languageId && languageId !== 'plaintext') return languageId;
  return extname(path).slice(1).toLowerCase();
}

/** Read a text file inside a root (the checked read, `readInsideRoots`); the reason it cannot be used otherwise. */
function readWorkspaceFile(
  roots: string[],
  path: string,
): { abs: string; text: string } | { abs: string; problem: string; outside?: boolean; git?: boolean } {
  const read = readInsideRoots(path, roots, { maxBytes: MAX_FILE_BYTES });
  if (read.ok) {
    if (read.bytes.includes(0)) return { abs: read.realPath, problem: 'a binary file' };
    return { abs: read.realPath, text: new TextDecoder('utf-8', { fatal: false }).decode(read.bytes) };
  }
  switch (read.rule) {
    case 'outside':
    case 'symlink':
    case 'changed':
      return { abs: path, problem: 'outside the workspace folders', outside: true };
    case 'git':
      return { abs: path, problem: 'inside a .git directory (repository internals are never read)', outside: true, git: true };
    case 'missing':
      return { abs: path, problem: 'file not found' };
    case 'not_file':
      return { abs: path, problem: 'not a file' };
    case 'too_large':
      return { abs: path, problem: `larger than ${MAX_FILE_BYTES / 1024 / 1024} MB` };
    default:
      return { abs: path, problem: read.reason };
  }
}

/**
 * Read and clip the question's context within `budgetTokens`. `@file` mentions outside
 * every root are refused with `PathOutsideWorkspace` (nothing is stored then); other
 * problems leave the piece out with a reason.
 */
export async function gatherContext(
  deps: GatherDeps,
  input: {
    question: string;
    context: ChatContextInput;
    workspaceRoot?: string;
    budgetTokens: number;
    requestId: string;
    signal?: AbortSignal;
  },
): Promise<Gathered> {
  const { counter, roots } = deps;
  const ctx = input.context;
  const blocks: ContextBlock[] = [];
  const items: ChatContextItem[] = [];
  let left = input.budgetTokens;

  const add = (block: ContextBlock, item: Omit<ChatContextItem, 'tokens' | 'outcome'>, clipped: boolean): void => {
    const tokens = counter.count(renderBlock(block));
    left -= tokens;
    blocks.push(block);
    items.push({ ...item, tokens, outcome: clipped ? 'clipped' : 'included' });
  };
  const omit = (item: Omit<ChatContextItem, 'tokens' | 'outcome'>, reason: string): void => {
    items.push({ ...item, tokens: 0, outcome: 'omitted', reason });
  };
  // Room for the text of a block: what is left minus its title, fences and language tag.
  const roomFor = (title: string, language: string) => left - counter.count(renderBlock({ title, language, text: '' })) - 4;

  if (ctx.selection) {
    const s = ctx.selection;
    const name = label(roots, s.path);
    const title = `Selection from ${name} (lines ${s.startLine}-${s.endLine}):`;
    const language = languageTag(s.path, s.languageId);
    const clip = clipToTokens(counter, s.text, Math.max(0, roomFor(title, language)));
    const base = { kind: 'selection' as const, path: s.path, label: name, startLine: s.startLine };
    if (clip.lines === 0 && s.text !== '') omit({ ...base, endLine: s.endLine }, 'no room left in the context budget');
    else add({ title, language, text: clip.text }, { ...base, endLine: s.startLine + Math.max(0, clip.lines - 1) }, clip.clipped);
  }

  const seen = new Set<string>();
  // `mentioned`: an explicit @file (refused when outside the roots) rather than the active editor.
  const fileBlock = (path: string, mentioned: boolean, languageId?: string): void => {
    const kind = 'file' as const;
    const read = readWorkspaceFile(roots, path);
    if (seen.has(read.abs)) return;
    seen.add(read.abs);
    const name = label(roots, read.abs);
    if (!('text' in read)) {
      if (read.outside && mentioned) {
        throw new TandemError(
          ErrorCodes.PathOutsideWorkspace,
          read.git
            ? `@${path} is inside a .git directory; Tandem does not read repository internals.`
            : `@${path} is outside the workspace folders; Tandem only reads files inside them.`,
          {
            hint: 'Mention a file of an open workspace folder, or add its folder to the workspace.',
          },
        );
      }
      omit({ kind, path: read.abs, label: name }, read.problem);
      return;
    }
    const title = `File ${name}:`;
    const language = languageTag(read.abs, languageId);
    // The clipped title names the lines kept; leave room for it.
    const clip = clipToTokens(counter, read.text, Math.max(0, roomFor(`${title} (lines 1-000000 of 000000)`, language)));
    if (clip.lines === 0) {
      omit({ kind, path: read.abs, label: name }, 'no room left in the context budget');
      return;
    }
    const item = { kind, path: read.abs, label: name, ...(clip.clipped ? { startLine: 1, endLine: clip.lines } : {}) };
    add(
      {
        title: clip.clipped ? `File ${name} (lines 1-${clip.lines} of ${read.text.split('\n').length}):` : title,
        language,
        text: clip.text,
      },
      item,
      clip.clipped,
    );
  };

  for (const f of ctx.files) fileBlock(f, true);
  if (!ctx.selection && ctx.activeFile) fileBlock(ctx.activeFile.path, false, ctx.activeFile.languageId);

  const anchor = ctx.selection?.path ?? ctx.activeFile?.path;
  let root = input.workspaceRoot && roots.includes(input.workspaceRoot) ? input.workspaceRoot : undefined;
  if (!root && anchor) {
    try {
      root = rootOf(roots, realpathSync(anchor));
    } catch {
      root = undefined;
    }
  }
  root ??= roots[0];

  let rules: Gathered['rules'];
  if (ctx.codebase) {
    if (roots.length === 0) {
      omit({ kind: 'codebase', path: '', label: '@codebase' }, 'no workspace folder is registered with tandemd');
    } else if (left < MIN_RETRIEVAL_TOKENS) {
      omit({ kind: 'codebase', path: '', label: '@codebase' }, 'no room left in the context budget');
    } else {
      let assembled: ChatAssembly | undefined;
      try {
        assembled = await deps.assembleChat({
          requestId: input.requestId,
          query: input.question,
          path: anchor,
          languageId: ctx.selection?.languageId ?? ctx.activeFile?.languageId,
          selection: ctx.selection?.text,
          root,
          roots,
          budgetTokens: left,
          signal: input.signal,
        });
      } catch (err) {
        // A cancelled turn stops here; a retrieval failure only costs the @codebase context.
        if (input.signal?.aborted || isCancellation(err)) throw err;
        omit({ kind: 'codebase', path: '', label: '@codebase' }, `retrieval failed: ${(err as Error).message ?? String(err)}`);
      }
      if (assembled) rules = assembled.rules;
      if (assembled && assembled.chunks.length === 0)
        omit({ kind: 'codebase', path: '', label: '@codebase' }, 'the index has no code matching the question yet');
      for (const c of assembled?.chunks ?? []) {
        const abs = `${c.root}${sep}${c.file.split('/').join(sep)}`;
        const title = `${c.file} (lines ${c.startLine}-${c.endLine}):`;
        const block = { title, language: languageTag(c.file), text: c.text };
        if (counter.count(renderBlock(block)) > left) {
          omit(
            { kind: 'codebase', path: abs, label: c.file, startLine: c.startLine, endLine: c.endLine },
            'no room left in the context budget',
          );
          continue;
        }
        add(block, { kind: 'codebase', path: abs, label: c.file, startLine: c.startLine, endLine: c.endLine }, false);
      }
    }
  }
  return { blocks, items, rules, root };
}
