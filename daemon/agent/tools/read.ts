/**
 * The reading tools: read_file (a line range), list_files, search_code (the context
 * engine: BM25, vectors, definitions) and grep (a regular expression over the
 * workspace, `.gitignore` honoured; RE2 semantics, so no pattern can hang the daemon).
 * Every path goes through `WorkspaceFiles.resolve`: outside the roots and `.git` are refused.
 */
import { readFile, stat } from 'node:fs/promises';
import { RE2JS } from '../re2';
import { z } from 'zod';
import { ToolError } from '../workspace-files';
import { listTree } from './listing';
import { tool } from './types';

const zRelPath = z.string().min(1).max(4096).describe('Path relative to the workspace root (or absolute inside it).');

const READ_MAX_LINES = 400;

export const readFileTool = tool({
  name: 'read_file',
  kind: 'read',
  description: `Read a text file of the workspace, with line numbers. Give start_line/end_line (1-based, inclusive) for a part; at most ${READ_MAX_LINES} lines per call.`,
  schema: z.object({
    path: zRelPath,
    start_line: z.number().int().min(1).optional().describe('First line to read (1-based).'),
    end_line: z.number().int().min(1).optional().describe('Last line to read (inclusive).'),
  }),
  async run(args, ctx) {
    const safe = ctx.files.resolve(args.path);
    const text = ctx.files.readText(safe);
    const lines = text.split('\n');
    if (text.endsWith('\n')) lines.pop();
    const total = lines.length;
    const start = Math.min(args.start_line ?? 1, Math.max(total, 1));
    if (args.end_line !== undefined && args.end_line < start)
      throw new ToolError(`end_line ${args.end_line} is before start_line ${start}.`);
    const end = Math.min(args.end_line ?? total, start + READ_MAX_LINES - 1, total);
    const width = String(end).length;
    const body = lines
      .slice(start - 1, end)
      .map((l, i) => `${String(start + i).padStart(width)}  ${l}`)
      .join('\n');
    const more = end < total ? `\n… lines ${end + 1}–${total} not shown; read them with start_line=${end + 1}.` : '';
    return {
      output: `${safe.relative} (lines ${total === 0 ? 0 : start}–${end} of ${total})\n${body}${more}`,
      summary: `read ${safe.relative}${total === 0 ? ' (empty)' : ` lines ${start}–${end} of ${total}`}`,
    };
  },
});

export const listFilesTool = tool({
  name: 'list_files',
  kind: 'read',
  description: 'List files and folders under a folder of the workspace (default the root), honouring .gitignore. Folders end with /.',
  schema: z.object({
    path: zRelPath.optional().describe('Folder relative to the workspace root; default the root.'),
    depth: z.number().int().min(1).max(10).default(3).describe('How many folder levels deep (default 3).'),
  }),
  async run(args, ctx) {
    const dir = args.path === undefined || args.path === '.' || args.path === './' ? undefined : ctx.files.resolve(args.path);
    const start = dir?.path ?? ctx.files.root;
    const listing = await listTree(ctx.files.root, start, { maxEntries: 500, maxDepth: args.depth, signal: ctx.signal });
    if (dir && listing.entries.length === 0 && !ctx.files.exists(dir.path)) throw new ToolError(`${dir.relative} does not exist.`);
    const lines = listing.entries.map((e) => (e.dir ? e.rel : `${e.rel} (${e.size} B)`));
    const notes = [
      listing.truncated ? 'Only the first 500 entries are shown; list a subfolder for more.' : '',
      listing.ignored > 0 ? `${listing.ignored} entries ignored by .gitignore or skipped (.git, node_modules…).` : '',
    ].filter(Boolean);
    return {
      output: `${lines.join('\n') || '(empty)'}${notes.length > 0 ? `\n${notes.join('\n')}` : ''}`,
      summary: `listed ${dir?.relative ?? '.'} (${listing.entries.length}${listing.truncated ? '+' : ''} entries)`,
    };
  },
});

export const searchCodeTool = tool({
  name: 'search_code',
  kind: 'read',
  description:
    'Search the indexed workspace for code relevant to a query in words or identifiers (lexical BM25, semantic vectors when available, definitions). Returns the best chunks with file and lines.',
  schema: z.object({
    query: z.string().min(1).max(2000).describe('What to look for: a question, identifiers, an error message.'),
    k: z.number().int().min(1).max(20).default(8).describe('How many results (default 8).'),
  }),
  async run(args, ctx) {
    if (!ctx.search) throw new ToolError('The workspace is not indexed, so search_code is unavailable; use grep or list_files.');
    const { hits, semantic } = await ctx.search({ query: args.query, root: ctx.files.root, k: args.k });
    if (hits.length === 0) return { output: `No indexed code matches "${args.query}".`, summary: `searched "${args.query}": nothing` };
    const blocks = hits.map((h) => `${h.file}:${h.startLine}-${h.endLine} (score ${h.score}, ${h.sources.join('+')})\n${h.preview}`);
    const mode = semantic.active ? 'lexical + semantic' : `lexical only${semantic.reason ? ` (${semantic.reason})` : ''}`;
    return {
      output: `${hits.length} results (${mode}):\n\n${blocks.join('\n\n')}`,
      summary: `searched "${args.query}": ${hits.length} results`,
    };
  },
});

const GREP_MAX_MATCHES = 200;
const GREP_MAX_FILE_BYTES = 1024 * 1024;

export const grepTool = tool({
  name: 'grep',
  kind: 'read',
  description: `Search the workspace's text files for a regular expression (RE2 syntax: no backreferences or lookaround), honouring .gitignore. Returns file:line: text, at most ${GREP_MAX_MATCHES} matches.`,
  schema: z.object({
    pattern: z.string().min(1).max(1000).describe('Regular expression (RE2 syntax).'),
    path: zRelPath.optional().describe('Folder or file to search in; default the whole workspace.'),
    ignore_case: z.boolean().default(false),
  }),
  async run(args, ctx) {
    let re: RE2JS;
    try {
      re = RE2JS.compile(args.pattern, args.ignore_case ? RE2JS.CASE_INSENSITIVE : 0);
    } catch (err) {
      throw new ToolError(`The pattern is not a valid RE2 regular expression: ${(err as Error).message}.`);
    }
    const target = args.path === undefined || args.path === '.' ? undefined : ctx.files.resolve(args.path);
    const files =
      target && !target.path.endsWith('/') && ctx.files.exists(target.path) && !(await isDir(target.path))
        ? [{ rel: target.relative, abs: target.path, size: 0 }]
        : (
            await listTree(ctx.files.root, target?.path ?? ctx.files.root, {
              maxEntries: 20_000,
              maxDepth: 64,
              filesOnly: true,
              signal: ctx.signal,
            })
          ).entries;
    const matches: string[] = [];
    let filesWithMatches = 0;
    let truncated = false;
    for (const f of files) {
      if (ctx.signal.aborted || truncated) break;
      if (f.size > GREP_MAX_FILE_BYTES) continue;
      const text = ctx.files.text(f.abs) ?? (await readTextOrUndefined(f.abs));
      if (text === undefined) continue;
      let found = false;
      const lines = text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        if (!re.matcher(lines[i]!).find()) continue;
        found = true;
        const line = lines[i]!.length > 300 ? `${lines[i]!.slice(0, 300)}…` : lines[i]!;
        matches.push(`${f.rel}:${i + 1}: ${line}`);
        if (matches.length >= GREP_MAX_MATCHES) {
          truncated = true;
          break;
        }
      }
      if (found) filesWithMatches++;
    }
    const where = target?.relative ?? 'the workspace';
    if (matches.length === 0) return { output: `No match for /${args.pattern}/ in ${where}.`, summary: `grep /${args.pattern}/: no match` };
    return {
      output: `${matches.join('\n')}${truncated ? `\n… more matches not shown (first ${GREP_MAX_MATCHES}); narrow the pattern or the path.` : ''}`,
      summary: `grep /${args.pattern}/: ${matches.length}${truncated ? '+' : ''} matches in ${filesWithMatches} files`,
    };
  },
});

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function readTextOrUndefined(path: string): Promise<string | undefined> {
  try {
    const buf = await readFile(path);
    if (buf.includes(0)) return undefined;
    return buf.toString('utf8');
  } catch {
    return undefined;
  }
}
