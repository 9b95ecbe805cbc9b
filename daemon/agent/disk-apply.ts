/**
 * Applying a step's changes to the disk, for `tandemd agent` (in the editor the client
 * applies them as a WorkspaceEdit). All or nothing as far as it can be checked first:
 * every path is checked again against the roots, every `baseHash` against the file's
 * current text, every create and rename target for absence — and only then is anything
 * written (each file atomically: a temporary file renamed over it).
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FileChange } from '../../protocol';
import { contentHash, stripBom } from '../../shared/hash';
import { resolveWorkspacePath } from '../../shared/paths';
import { applyTextEdits } from '../edit/apply';

function currentText(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return undefined;
    return stripBom(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tandem-${process.pid}.tmp`;
  let mode: number | undefined;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    mode = undefined;
  }
  writeFileSync(tmp, text, mode !== undefined ? { mode } : {});
  renameSync(tmp, path);
}

/** Apply `changes` under `roots`; returns a reason instead of throwing when something does not fit. */
export function applyChangesToDisk(changes: readonly FileChange[], roots: readonly string[]): { ok: true } | { ok: false; reason: string } {
  const texts = new Map<string, string | undefined>();
  const read = (p: string) => (texts.has(p) ? texts.get(p) : currentText(p));
  for (const c of changes) {
    for (const p of c.kind === 'rename' ? [c.path, c.newPath] : [c.path]) {
      const check = resolveWorkspacePath(p, roots);
      if (!check.ok) return { ok: false, reason: check.reason };
    }
    const text = read(c.path);
    if (c.kind === 'create') {
      if (text !== undefined) return { ok: false, reason: `${c.path} exists already.` };
      texts.set(c.path, c.text);
      continue;
    }
    if (text === undefined) return { ok: false, reason: `${c.path} does not exist any more.` };
    if (contentHash(text) !== c.baseHash) return { ok: false, reason: `${c.path} changed since the agent read it.` };
    if (c.kind === 'modify') texts.set(c.path, applyTextEdits(text, c.edits));
    else if (c.kind === 'delete') texts.set(c.path, undefined);
    else {
      if (read(c.newPath) !== undefined) return { ok: false, reason: `${c.newPath} exists already.` };
      texts.set(c.path, undefined);
      texts.set(c.newPath, text);
    }
  }
  for (const c of changes) {
    if (c.kind === 'modify') writeAtomic(c.path, applyTextEdits(currentText(c.path)!, c.edits));
    else if (c.kind === 'create') writeAtomic(c.path, c.text);
    else if (c.kind === 'delete') rmSync(c.path);
    else {
      mkdirSync(dirname(c.newPath), { recursive: true });
      renameSync(c.path, c.newPath);
    }
  }
  return { ok: true };
}
