/**
 * Fusion: reciprocal rank fusion of the retrievers' ranked lists, then the signals
 * that matter for a completion at a cursor (chunks of files the current file imports,
 * open and recently edited files, the same folder), the exclusion of the window around
 * the cursor (already in the prompt as prefix/suffix) and a per-file cap. Ties break by
 * path and line so the result is deterministic. Members of a namespace import being typed
 * at the cursor (`ns.|`) get their own boost and up to four places from their file.
 */
import { posix } from 'node:path';
import type { ContextSource } from '../../protocol';

export interface FusionMeta {
  path: string;
  startLine: number;
  endLine: number;
}

export interface FusionSignals {
  /** Root-relative path of the current document, if it is inside the root. */
  currentPath?: string;
  /** Lines of the current file (1-based, inclusive) not to use as context. */
  excludeLines?: [number, number];
  importedFiles?: Set<string>;
  openFiles?: Set<string>;
  recentFiles?: Set<string>;
  /** Chunk ids defining imports not used above the cursor yet. */
  unusedImportChunks?: Set<number>;
  /** Chunk ids of members of the namespace import being typed at the cursor (`ns.|`). */
  memberChunks?: Set<number>;
}

export interface FusionOptions {
  rrfK: number;
  weights: Partial<Record<ContextSource, number>>;
  boosts: { importedFile: number; openFile: number; recentFile: number; sameDir: number; namespaceMember?: number };
  perFileCap: number;
  limit: number;
}

export interface FusedCandidate extends FusionMeta {
  id: number;
  score: number;
  sources: ContextSource[];
  signals: string[];
  /** Set when the candidate was over the per-file cap or the limit (kept for diagnostics). */
  capped?: boolean;
}

export function fuse(
  lists: Partial<Record<ContextSource, number[]>>,
  meta: Map<number, FusionMeta>,
  signals: FusionSignals,
  opts: FusionOptions,
): FusedCandidate[] {
  const byId = new Map<number, FusedCandidate>();
  const order: ContextSource[] = ['imports', 'definitions', 'bm25', 'vector'];
  for (const source of order) {
    const list = lists[source];
    if (!list) continue;
    const weight = opts.weights[source] ?? 1;
    const seen = new Set<number>();
    let rank = 0;
    for (const id of list) {
      if (seen.has(id)) continue;
      seen.add(id);
      const m = meta.get(id);
      if (!m) continue;
      let c = byId.get(id);
      if (!c) {
        c = { id, ...m, score: 0, sources: [], signals: [] };
        byId.set(id, c);
      }
      c.score += weight / (opts.rrfK + rank + 1);
      c.sources.push(source);
      rank++;
    }
  }
  const curDir = signals.currentPath !== undefined ? posix.dirname(signals.currentPath) : undefined;
  const out: FusedCandidate[] = [];
  for (const c of byId.values()) {
    if (signals.currentPath === c.path && signals.excludeLines) {
      const [a, b] = signals.excludeLines;
      if (c.startLine <= b && c.endLine >= a) continue;
    }
    let boost = 1;
    const add = (name: string, factor: number) => {
      if (factor === 1) return;
      boost *= factor;
      c.signals.push(name);
    };
    if (signals.importedFiles?.has(c.path)) add('imported-file', opts.boosts.importedFile);
    if (signals.unusedImportChunks?.has(c.id)) add('unused-import', opts.boosts.importedFile);
    if (signals.memberChunks?.has(c.id)) add('namespace-member', opts.boosts.namespaceMember ?? 1);
    if (signals.openFiles?.has(c.path)) add('open-file', opts.boosts.openFile);
    else if (signals.recentFiles?.has(c.path)) add('recent-file', opts.boosts.recentFile);
    if (curDir !== undefined && posix.dirname(c.path) === curDir && c.path !== signals.currentPath) add('same-dir', opts.boosts.sameDir);
    c.score *= boost;
    out.push(c);
  }
  out.sort((a, b) => b.score - a.score || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || a.startLine - b.startLine);
  const perFile = new Map<string, number>();
  let taken = 0;
  for (const c of out) {
    const n = perFile.get(c.path) ?? 0;
    // The members of the namespace being typed compete among themselves: allow a few more.
    const cap = signals.memberChunks?.has(c.id) ? Math.max(opts.perFileCap, 4) : opts.perFileCap;
    if (n >= cap || taken >= opts.limit) {
      c.capped = true;
      continue;
    }
    perFile.set(c.path, n + 1);
    taken++;
  }
  return out;
}
