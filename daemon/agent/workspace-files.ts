/**
 * The workspace as the agent's tools see it: every path the model names resolved
 * inside the task's roots (shared/paths.ts: realpath checked, `..` and symlink escapes
 * and `.git` refused, each with its own sentence), and file text read from, in order,
 * the writes of the step being collected, the editor's unsaved documents, the disk.
 * A step's pending writes are an overlay: later writes of the same step build on them,
 * and they vanish when the step is applied (the disk then has them) or rejected.
 */
import { statSync } from 'node:fs';
import { stripBom } from '../../shared/hash';
import { resolveWorkspacePath, type SafePath } from '../../shared/paths';
import { canonicalPath, readDiskText } from '../edit/workspace';

/** A refusal or failure a tool reports back to the model (and the user) as its result. */
export class ToolError extends Error {
  constructor(
    message: string,
    readonly status: 'error' | 'denied' = 'error',
  ) {
    super(message);
    this.name = 'ToolError';
  }
}

const MAX_READ_BYTES = 1024 * 1024;

export class WorkspaceFiles {
  /** Pending writes of the current step: path → new text (null: deleted). */
  private readonly pending = new Map<string, string | null>();
  private readonly documents: Map<string, string>;

  constructor(
    readonly roots: readonly string[],
    readonly root: string,
    documents: ReadonlyArray<{ path: string; text: string }> = [],
  ) {
    this.documents = new Map(documents.map((d) => [canonicalPath(d.path), stripBom(d.text)]));
  }

  /** Resolve a path the model gave (relative to the task's root, or absolute inside a root); throws `ToolError`. */
  resolve(input: unknown, what = 'path'): SafePath {
    if (typeof input !== 'string' || input.trim() === '')
      throw new ToolError(`The ${what} is empty; give a path relative to the workspace root.`);
    const candidate = input.startsWith('/') ? canonicalPath(input) : input;
    const check = resolveWorkspacePath(candidate, this.roots, { base: this.root });
    if (!check.ok) throw new ToolError(`Refused: ${check.reason}`, 'denied');
    return check;
  }

  /** Root-relative display form of an absolute path inside a root. */
  relative(path: string): string {
    const check = resolveWorkspacePath(path, this.roots, { base: this.root });
    return check.ok ? check.relative : path;
  }

  /** Text of a file, or undefined when it does not exist (pending writes and open documents first). */
  text(path: string): string | undefined {
    if (this.pending.has(path)) return this.pending.get(path) ?? undefined;
    const doc = this.documents.get(path);
    if (doc !== undefined) return doc;
    return readDiskText(path, this.roots);
  }

  /** Like `text`, but says why a file that exists cannot be read (binary, too large, a directory). */
  readText(safe: SafePath): string {
    const text = this.text(safe.path);
    if (text !== undefined) return text;
    if (this.pending.has(safe.path)) throw new ToolError(`${safe.relative} was deleted earlier in this step.`);
    let size: number;
    try {
      const st = statSync(safe.realPath);
      if (st.isDirectory()) throw new ToolError(`${safe.relative} is a directory; use list_files.`);
      size = st.size;
    } catch (err) {
      if (err instanceof ToolError) throw err;
      throw new ToolError(`${safe.relative} does not exist.`);
    }
    if (size > MAX_READ_BYTES)
      throw new ToolError(`${safe.relative} is ${Math.round(size / 1024)} KB, over the 1024 KB read limit; grep it instead.`);
    throw new ToolError(`${safe.relative} is a binary file; only text files can be read.`);
  }

  /** The text before the step being collected (open document or disk), ignoring its pending writes. */
  baseText(path: string): string | undefined {
    return this.documents.get(path) ?? readDiskText(path, this.roots);
  }

  exists(path: string): boolean {
    if (this.pending.has(path)) return this.pending.get(path) !== null;
    if (this.documents.has(path)) return true;
    try {
      statSync(path);
      return true;
    } catch {
      return false;
    }
  }

  /** Record a pending write of the step being collected. */
  stage(path: string, text: string | null): void {
    this.pending.set(path, text);
  }

  hasPending(): boolean {
    return this.pending.size > 0;
  }

  /** The step was applied or rejected: drop its overlay; applied paths also drop their stale editor snapshot. */
  settle(applied: boolean, paths: Iterable<string>): void {
    this.pending.clear();
    if (applied) for (const p of paths) this.documents.delete(p);
  }
}
