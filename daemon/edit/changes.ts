/**
 * From a parsed model answer to proposed `FileChange`s: every path the answer names
 * is resolved and checked (shared/paths.ts), limited to the files the request may
 * touch, read, and the blocks located in it (daemon/edit/apply.ts). Everything refused
 * becomes a `RejectedEdit` with a reason. File access comes in through `readText`, so
 * this is pure and tested with golden cases.
 */
import type { FileChange, RejectedEdit, RejectionKind } from '../../protocol';
import { applyBlocks, toTextEdits, wholeFileEdit, type BlockFailureKind } from './apply';
import type { EditBlock, ParsedEdits } from './format';
import { contentHash } from '../../shared/hash';
import { resolveWorkspacePath, type PathCheck, type PathFlavor, type PathFs } from '../../shared/paths';

export interface ChangeContext {
  /** Registered workspace roots (realpaths). */
  roots: readonly string[];
  /** Absolute path for blocks that name no file, and the base of relative paths' root. */
  defaultPath?: string;
  /**
   * Absolute paths the answer may modify (the fix's document, the edit step's file).
   * Undefined: any safe path.
   */
  allowedPaths?: readonly string[];
  /** Whether the answer may create / delete files (unified diff `/dev/null`). */
  allowCreate?: boolean;
  allowDelete?: boolean;
  /** Apply the blocks that fit even when others of the same file fail. */
  partial?: boolean;
  /**
   * When the answer has no blocks but a code block that is plausibly the whole new
   * default file, take it as such (models sometimes rewrite the file).
   */
  acceptWholeFile?: boolean;
  /** Current text of a file: the open document's or the disk's; undefined when absent. */
  readText(absPath: string): string | undefined;
  stepId?: string;
  description?: string;
  flavor?: PathFlavor;
  fs?: PathFs;
}

export interface ProposedChanges {
  changes: FileChange[];
  rejected: RejectedEdit[];
}

const failureKind: Record<BlockFailureKind, RejectionKind> = {
  no_match: 'no_match',
  ambiguous: 'ambiguous',
  overlap: 'overlap',
  malformed: 'malformed',
};

export function changesFromAnswer(parsed: ParsedEdits, ctx: ChangeContext): ProposedChanges {
  const rejected: RejectedEdit[] = [];
  const changes: FileChange[] = [];
  const stepId = ctx.stepId;
  const reject = (kind: RejectionKind, reason: string, path?: string) =>
    rejected.push({ kind, reason, ...(path !== undefined ? { path } : {}), ...(stepId !== undefined ? { stepId } : {}) });
  const base = ctx.defaultPath ? containingRoot(ctx.defaultPath, ctx) : undefined;
  const resolve = (p: string): PathCheck => resolveWorkspacePath(p, ctx.roots, { base, flavor: ctx.flavor, fs: ctx.fs });
  const sameFile = (a: string, b: string) => (ctx.flavor === 'win32' ? a.toLowerCase() === b.toLowerCase() : a === b);
  const allowed = (abs: string) => ctx.allowedPaths === undefined || ctx.allowedPaths.some((p) => sameFile(p, abs));

  for (const p of parsed.problems) reject('malformed', p.reason);

  /** Resolve a path the answer names; a bare file name of the default file counts as it. */
  const target = (named: string | undefined, what: string): { path: string } | undefined => {
    if (named === undefined) {
      if (ctx.defaultPath === undefined) {
        reject('malformed', `${what} names no file; put the file's path on the line before "<<<<<<< SEARCH".`);
        return undefined;
      }
      return { path: ctx.defaultPath };
    }
    const check = resolve(named);
    if (!check.ok) {
      reject('unsafe_path', `${what} was refused: ${check.reason}`, named);
      return undefined;
    }
    if (
      !allowed(check.path) &&
      ctx.defaultPath !== undefined &&
      ctx.readText(check.path) === undefined &&
      baseName(named) === baseName(ctx.defaultPath)
    ) {
      return { path: ctx.defaultPath };
    }
    if (!allowed(check.path)) {
      reject(
        'unsafe_path',
        `${what} targets ${check.relative}, but this request may only change ${(ctx.allowedPaths ?? []).map(shortName).join(', ')}.`,
        check.path,
      );
      return undefined;
    }
    return { path: check.path };
  };

  // Search/replace blocks and diff hunks, grouped by file in order of first appearance.
  const byFile = new Map<string, EditBlock[]>();
  for (const block of parsed.blocks) {
    const t = target(block.path, `Block ${block.index + 1} (line ${block.sourceLine} of the answer)`);
    if (!t) continue;
    const list = byFile.get(t.path) ?? [];
    list.push(block);
    byFile.set(t.path, list);
  }
  for (const [path, blocks] of byFile) {
    const text = ctx.readText(path);
    if (text === undefined) {
      reject(
        'missing',
        `${shortName(path)} does not exist, so its ${blocks.length === 1 ? 'edit' : `${blocks.length} edits`} cannot be applied.`,
        path,
      );
      continue;
    }
    const applied = applyBlocks(text, blocks, { file: shortName(path), partial: ctx.partial });
    for (const f of applied.failures) reject(failureKind[f.kind], f.reason, path);
    if (applied.edits.length === 0) continue;
    changes.push({
      kind: 'modify',
      path,
      baseHash: contentHash(text),
      edits: toTextEdits(text, applied.edits),
      ...(stepId !== undefined ? { stepId } : {}),
      ...(ctx.description !== undefined ? { description: ctx.description } : {}),
    });
  }

  const nothingParsed =
    parsed.blocks.length === 0 && parsed.creates.length === 0 && parsed.deletes.length === 0 && parsed.problems.length === 0;
  if (ctx.acceptWholeFile && nothingParsed && ctx.defaultPath !== undefined && parsed.codeBlocks.length > 0) {
    const path = ctx.defaultPath;
    const text = ctx.readText(path);
    if (text !== undefined) {
      const whole = wholeFileEdit(text, parsed.codeBlocks[0]!);
      if (whole.kind === 'edit') {
        changes.push({
          kind: 'modify',
          path,
          baseHash: contentHash(text),
          edits: toTextEdits(text, [whole.edit]),
          ...(stepId !== undefined ? { stepId } : {}),
          ...(ctx.description !== undefined ? { description: ctx.description } : {}),
        });
      } else if (whole.kind === 'same') {
        reject('model_error', `The answer repeats ${shortName(path)} unchanged instead of giving SEARCH/REPLACE blocks.`, path);
      } else {
        reject(
          'malformed',
          `The answer has no SEARCH/REPLACE blocks, and ${whole.reason}; nothing was applied to ${shortName(path)}.`,
          path,
        );
      }
    }
  }

  for (const c of parsed.creates) {
    const what = `The new file at line ${c.sourceLine} of the answer`;
    if (!ctx.allowCreate) {
      reject('invalid_plan', `${what} (${c.path}) was refused: this request may not create files.`, c.path);
      continue;
    }
    const check = resolve(c.path);
    if (!check.ok) {
      reject('unsafe_path', `${what} was refused: ${check.reason}`, c.path);
      continue;
    }
    if (ctx.readText(check.path) !== undefined) {
      reject('exists', `${what} was refused: ${check.relative} exists already.`, check.path);
      continue;
    }
    changes.push({ kind: 'create', path: check.path, text: c.text, ...(stepId !== undefined ? { stepId } : {}) });
  }

  for (const d of parsed.deletes) {
    const what = `The deletion at line ${d.sourceLine} of the answer`;
    if (!ctx.allowDelete) {
      reject('invalid_plan', `${what} (${d.path}) was refused: this request may not delete files.`, d.path);
      continue;
    }
    const check = resolve(d.path);
    if (!check.ok) {
      reject('unsafe_path', `${what} was refused: ${check.reason}`, d.path);
      continue;
    }
    const text = ctx.readText(check.path);
    if (text === undefined) {
      reject('missing', `${what} was refused: ${check.relative} does not exist.`, check.path);
      continue;
    }
    changes.push({ kind: 'delete', path: check.path, baseHash: contentHash(text), ...(stepId !== undefined ? { stepId } : {}) });
  }
  return { changes, rejected };
}

function containingRoot(path: string, ctx: ChangeContext): string | undefined {
  const check = resolveWorkspacePath(path, ctx.roots, { flavor: ctx.flavor, fs: ctx.fs });
  return check.ok ? check.root : undefined;
}

function baseName(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1]!;
}

function shortName(p: string): string {
  return baseName(p);
}
