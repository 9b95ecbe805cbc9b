/**
 * The writing tools: edit_file (search/replace blocks, parsed and located by the same
 * code as auto-fix: daemon/edit/format.ts and apply.ts, whitespace drift tolerated,
 * ambiguous or missing SEARCH text refused with the lines), create_file, delete_file and
 * rename_file. None writes anything: each proposes a change to the step being collected
 * (`step.ts`), which the user approves as one WorkspaceEdit.
 */
import { z } from 'zod';
import { applyBlocks } from '../../edit/apply';
import { parseEditResponse, type EditBlock } from '../../edit/format';
import { ToolError } from '../workspace-files';
import { tool } from './types';

const zRelPath = z.string().min(1).max(4096).describe('Path relative to the workspace root.');
const MAX_NEW_FILE_CHARS = 1_000_000;

export const editFileTool = tool({
  name: 'edit_file',
  kind: 'write',
  description:
    'Change part of an existing file. Either give `search` (the exact current text, a few whole lines that occur once) and `replace`, or `blocks`: one or more blocks of the form\n<<<<<<< SEARCH\ncurrent lines\n=======\nnew lines\n>>>>>>> REPLACE\nRead the file first. The change is shown to the user for approval.',
  schema: z
    .object({
      path: zRelPath,
      search: z.string().max(200_000).optional().describe('Exact text to replace (whole lines, unique in the file).'),
      replace: z.string().max(200_000).optional().describe('The new text for `search`.'),
      blocks: z.string().max(400_000).optional().describe('SEARCH/REPLACE blocks, as an alternative to search/replace.'),
    })
    .refine((a) => a.blocks !== undefined || (a.search !== undefined && a.replace !== undefined), {
      message: 'give either `blocks`, or both `search` and `replace`',
    }),
  async run(args, ctx) {
    const safe = ctx.files.resolve(args.path);
    const text = ctx.files.readText(safe);
    let blocks: EditBlock[];
    if (args.blocks !== undefined) {
      const parsed = parseEditResponse(args.blocks);
      if (parsed.problems.length > 0)
        throw new ToolError(`The blocks could not be read: ${parsed.problems.map((p) => p.reason).join(' ')}`);
      const foreign = parsed.blocks.filter((b) => b.path !== undefined && ctx.files.resolve(b.path).path !== safe.path);
      if (foreign.length > 0)
        throw new ToolError(`These blocks name another file (${foreign[0]!.path}); edit one file per edit_file call.`);
      blocks = parsed.blocks;
      if (blocks.length === 0) throw new ToolError('No SEARCH/REPLACE block found in `blocks`.');
    } else {
      blocks = [
        {
          index: 0,
          search: args.search!.replace(/\r\n?/g, '\n').replace(/\n$/, ''),
          replace: args.replace!.replace(/\r\n?/g, '\n').replace(/\n$/, ''),
          sourceLine: 1,
          origin: 'search-replace',
        },
      ];
    }
    if (blocks.some((b) => b.search === '') && text !== '')
      throw new ToolError('A SEARCH text is empty; quote the lines to replace (use create_file for a new file).');
    const applied = applyBlocks(text, blocks, { file: safe.relative });
    if (applied.failures.length > 0)
      throw new ToolError(
        `Nothing was changed: ${applied.failures.map((f) => f.reason).join(' ')} Read the file again and quote its current text.`,
      );
    if (applied.newText === text) throw new ToolError(`The replacement leaves ${safe.relative} unchanged.`);
    const delta = applied.newText.split('\n').length - text.split('\n').length;
    return {
      output: `Edit of ${safe.relative} proposed (${blocks.length} block${blocks.length === 1 ? '' : 's'}, ${delta >= 0 ? '+' : ''}${delta} lines).`,
      summary: `edit ${safe.relative} (${blocks.length} block${blocks.length === 1 ? '' : 's'})`,
      write: { stage: [{ path: safe.path, text: applied.newText }] },
    };
  },
});

export const createFileTool = tool({
  name: 'create_file',
  kind: 'write',
  description: 'Create a new file with the given content (folders are created as needed). Refused when the file exists: use edit_file.',
  schema: z.object({ path: zRelPath, content: z.string().max(MAX_NEW_FILE_CHARS) }),
  async run(args, ctx) {
    const safe = ctx.files.resolve(args.path);
    if (ctx.files.exists(safe.path)) throw new ToolError(`${safe.relative} exists already; use edit_file to change it.`);
    const lines = args.content === '' ? 0 : args.content.split('\n').length;
    return {
      output: `Creation of ${safe.relative} proposed (${lines} lines).`,
      summary: `create ${safe.relative} (${lines} lines)`,
      write: { stage: [{ path: safe.path, text: args.content }] },
    };
  },
});

export const deleteFileTool = tool({
  name: 'delete_file',
  kind: 'write',
  description: 'Delete a file of the workspace (not a folder).',
  schema: z.object({ path: zRelPath }),
  async run(args, ctx) {
    const safe = ctx.files.resolve(args.path);
    ctx.files.readText(safe);
    return {
      output: `Deletion of ${safe.relative} proposed.`,
      summary: `delete ${safe.relative}`,
      write: { stage: [{ path: safe.path, text: null }] },
    };
  },
});

export const renameFileTool = tool({
  name: 'rename_file',
  kind: 'write',
  description: 'Rename or move a file inside the workspace. Refused when the target exists.',
  schema: z.object({ path: zRelPath.describe('The file to move.'), new_path: zRelPath.describe('Where to move it.') }),
  async run(args, ctx) {
    const from = ctx.files.resolve(args.path);
    const to = ctx.files.resolve(args.new_path, 'new path');
    const text = ctx.files.readText(from);
    if (from.path === to.path) throw new ToolError('The new path is the same as the old one.');
    if (ctx.files.exists(to.path)) throw new ToolError(`${to.relative} exists already.`);
    return {
      output: `Rename of ${from.relative} to ${to.relative} proposed.`,
      summary: `rename ${from.relative} → ${to.relative}`,
      write: {
        stage: [
          { path: from.path, text: null },
          { path: to.path, text },
        ],
        rename: { from: from.path, to: to.path },
      },
    };
  },
});
