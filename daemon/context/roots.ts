/**
 * The registry of workspace roots: one `WorkspaceIndex` per registered root (by
 * realpath), progress events, the semantic-retrieval status across roots, and the
 * lookups every stage needs (the root of a document, a path relative to its root).
 */
import { realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { workspaceRootRefusal } from '../../shared/root-policy';
import type { Logger } from '../log';
import type { ContextConfig } from './config';
import type { Embedder } from './embeddings';
import { ContextEngineError } from './errors';
import type { IndexProgress } from './types';
import { isInside, toRel } from './walker';
import { WorkspaceIndex, type IndexStats } from './workspace';

export interface WorkspaceRegistryDeps {
  /** Tandem home; per-workspace stores go under `home/index/<hash-of-root>/`. */
  home: string;
  config: ContextConfig;
  embedder?: Embedder;
  logger: Logger;
  now: () => number;
  /** Compute missing chunk embeddings in the background. */
  backgroundEmbedding: boolean;
  /** A root's index is being closed (the search thread lets go of its connection). */
  onStoreClosed?: (file: string) => void;
}

export type SemanticState = { active: boolean; reason?: string };

export class WorkspaceRegistry {
  private readonly workspaces = new Map<string, WorkspaceIndex>();
  private readonly listeners = new Set<(p: IndexProgress[]) => void>();

  constructor(private readonly deps: WorkspaceRegistryDeps) {}

  /** The index of a root, registering it (and starting its first index) if needed; refused roots (`shared/root-policy.ts`) throw. */
  register(root: string): WorkspaceIndex {
    let real: string;
    try {
      real = realpathSync(resolve(root));
      if (!statSync(real).isDirectory()) throw new Error('not a directory');
    } catch (err) {
      throw new ContextEngineError(`${root} is not a readable directory (${(err as Error).message}).`, 'workspace_not_registered');
    }
    const refusal = workspaceRootRefusal(real, { userHome: homedir(), tandemHome: this.deps.home });
    if (refusal) throw new ContextEngineError(refusal.message, 'workspace_root_refused');
    let ws = this.workspaces.get(real);
    if (!ws) {
      const d = this.deps;
      ws = new WorkspaceIndex(real, d.home, d.config, d.embedder, d.logger, d.now, () => this.emitProgress(), {
        backgroundEmbedding: d.backgroundEmbedding,
      });
      this.workspaces.set(real, ws);
      this.emitProgress();
    }
    return ws;
  }

  unregister(root: string): void {
    let real = root;
    try {
      real = realpathSync(root);
    } catch {
      // Gone from disk: match the name as given.
    }
    const ws = this.workspaces.get(real);
    if (!ws) return;
    this.workspaces.delete(real);
    this.deps.onStoreClosed?.(ws.store.dbFile);
    void ws.close().catch((err: Error) => this.deps.logger.warn(`context: closing ${real}: ${err.message}`));
    this.emitProgress();
  }

  /** A registered root's index; throws `workspace_not_registered` otherwise. */
  require(root: string): WorkspaceIndex {
    let real = root;
    try {
      real = realpathSync(root);
    } catch {
      // Reported below.
    }
    const ws = this.workspaces.get(real);
    if (!ws) throw new ContextEngineError(`${root} is not a registered workspace root.`, 'workspace_not_registered');
    return ws;
  }

  /** Every registered root's index, in registration order. */
  all(): WorkspaceIndex[] {
    return [...this.workspaces.values()];
  }

  roots(): string[] {
    return [...this.workspaces.keys()].sort();
  }

  /** The registered root containing an absolute path (the deepest one), among `allowed` when given (a session's own roots). */
  rootOf(path: string, allowed?: readonly string[]): WorkspaceIndex | undefined {
    const plain = resolve(path);
    // The path as given first; its folder's real path (a symlinked checkout) only when that is in no root:
    // resolving it costs a system call per path component, on every completion.
    const inRoot = (p: string) => {
      let best: WorkspaceIndex | undefined;
      for (const ws of this.workspaces.values()) {
        if (allowed && !allowed.includes(ws.root)) continue;
        if (isInside(ws.root, p) && (!best || ws.root.length > best.root.length)) best = ws;
      }
      return best;
    };
    const direct = inRoot(plain);
    if (direct) return direct;
    try {
      return inRoot(join(realpathSync(dirname(plain)), plain.slice(dirname(plain).length + 1)));
    } catch {
      // Unsaved or deleted document: the path as given is all there is.
      return undefined;
    }
  }

  /** Deliver pending file-change events and wait until the index reflects them. */
  async settle(root?: string): Promise<void> {
    for (const ws of this.workspaces.values()) if (!root || ws.root === root) await ws.settle();
  }

  /** Re-check paths (absolute or root-relative) now, without waiting for the watcher. */
  async refreshPaths(root: string, paths: string[]): Promise<IndexStats> {
    const ws = this.require(root);
    const rels = paths
      .map((p) => (isAbsolute(p) ? (isInside(ws.root, p) ? toRel(ws.root, p) : undefined) : p))
      .filter((p): p is string => !!p);
    return ws.update(rels);
  }

  /** Wait until background embedding of every root is idle. */
  async embeddingsIdle(): Promise<void> {
    for (const ws of this.workspaces.values()) await ws.vectors.idle();
  }

  progress(): IndexProgress[] {
    return [...this.workspaces.values()].map((w) => ({ ...w.state }));
  }

  onProgress(listener: (progress: IndexProgress[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emitProgress(): void {
    const p = this.progress();
    for (const l of this.listeners) {
      try {
        l(p);
      } catch (err) {
        this.deps.logger.warn(`context: progress listener failed: ${(err as Error).message}`);
      }
    }
  }

  /** Whether semantic retrieval is active for any root (`false` = BM25 only, with the reason). */
  semanticStatus(): SemanticState {
    const { config, embedder } = this.deps;
    if (!config.enabled) return { active: false, reason: 'The context engine is disabled (context.enabled = false).' };
    const all = [...this.workspaces.values()].map((w) => w.vectors.status());
    if (all.length === 0) {
      if (!embedder) return { active: false, reason: 'No embed backend is connected to the context engine; retrieval is BM25 only.' };
      if (!config.embeddings.enabled)
        return { active: false, reason: 'Embeddings are disabled (context.embeddings.enabled = false); retrieval is BM25 only.' };
      if (!embedder.canServe('embed'))
        return { active: false, reason: 'No backend can serve the embed task now (is the embed model pulled?); retrieval is BM25 only.' };
      return { active: true };
    }
    const active = all.find((s) => s.active);
    if (active) return active.reason ? { active: true, reason: active.reason } : { active: true };
    return { active: false, reason: all[0].reason };
  }

  /** Close every root's index and forget the listeners. */
  async dispose(): Promise<void> {
    const all = [...this.workspaces.values()];
    this.workspaces.clear();
    this.listeners.clear();
    await Promise.all(all.map((w) => w.close()));
  }
}

/** `path` relative to its root; throws `path_outside_workspace` when it is not inside. */
export function relPath(ws: { root: string }, path: string): string {
  const rel = relInRoot(ws, path);
  if (rel === undefined) throw new ContextEngineError(`${path} is outside the workspace root ${ws.root}.`, 'path_outside_workspace');
  return rel;
}

/** Like `relPath`, keeping the path as given when it cannot be made relative (for diagnostics). */
export function safeRel(ws: { root: string }, path: string): string {
  return relInRoot(ws, path) ?? path;
}

/**
 * `path` relative to the root, directly or through its folder's realpath (a document
 * opened under a symlinked folder); undefined when it is outside the root or its folder
 * is gone.
 */
function relInRoot(ws: { root: string }, path: string): string | undefined {
  const abs = resolve(path);
  if (isInside(ws.root, abs)) return toRel(ws.root, abs);
  try {
    const real = join(realpathSync(dirname(abs)), abs.slice(dirname(abs).length + 1));
    if (isInside(ws.root, real)) return toRel(ws.root, real);
  } catch {
    // The document's folder is gone.
  }
  return undefined;
}
