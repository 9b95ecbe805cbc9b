/**
 * Fusion: reciprocal rank fusion of the retrievers' ranked lists, then the signals
 * that matter for a completion at a cursor (chunks of files the current file imports,
 * open and recently edited files, the same folder), the exclusion of the window around
 * the cursor (already in the prompt as prefix/suffix) and a per-file cap. Ties break by
 * path and line so the result is deterministic. Chunks the imports retriever placed (the
 * definitions the cursor most likely needs next: receiver members, unused imports,
 * same-package names) come first in its order, free of the per-file cap. Every candidate
 * says what placed it (`placedBy`): that signal, or the source that gave it most.
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
  /** Chunks placed ahead of the fused ranking, in their order, with the signal that placed each. */
  placed?: Map<number, string>;
}

export interface FusionOptions {
  rrfK: number;
  weights: Partial<Record<ContextSource, number>>;
  boosts: { importedFile: number; openFile: number; recentFile: number; sameDir: number };
  perFileCap: number;
  limit: number;
}

export interface FusedCandidate extends FusionMeta {
  id: number;
  score: number;
  sources: ContextSource[];
  signals: string[];
  /** What put it at its rank: a placement signal (`unused-import`, `receiver-member`, …) or its strongest source. */
  placedBy: string;
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
  const best = new Map<number, number>();
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
        c = { id, ...m, score: 0, sources: [], signals: [], placedBy: source };
        byId.set(id, c);
      }
      const part = weight / (opts.rrfK + rank + 1);
      c.score += part;
      if (part > (best.get(id) ?? 0)) {
        best.set(id, part);
        c.placedBy = source;
      }
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
    const placed = signals.placed?.get(c.id);
    if (placed) {
      c.placedBy = placed;
      c.signals.push(placed);
    }
    if (signals.importedFiles?.has(c.path)) add('imported-file', opts.boosts.importedFile);
    if (signals.openFiles?.has(c.path)) add('open-file', opts.boosts.openFile);
    else if (signals.recentFiles?.has(c.path)) add('recent-file', opts.boosts.recentFile);
    if (curDir !== undefined && posix.dirname(c.path) === curDir && c.path !== signals.currentPath) add('same-dir', opts.boosts.sameDir);
    c.score *= boost;
    out.push(c);
  }
  // Placed chunks rank first, in their order: each gets a bonus larger than any fused score,
  // so the score still says the order (higher is better).
  const placedRank = new Map([...(signals.placed?.keys() ?? [])].map((id, i) => [id, i]));
  const step = Math.max(1, 2 * out.reduce((m, c) => Math.max(m, c.score), 0));
  for (const c of out) {
    const r = placedRank.get(c.id);
    if (r !== undefined) c.score += (placedRank.size - r) * step;
  }
  out.sort((a, b) => b.score - a.score || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || a.startLine - b.startLine);
  const perFile = new Map<string, number>();
  let taken = 0;
  for (const c of out) {
    const n = perFile.get(c.path) ?? 0;
    // Placed chunks are what the cursor needs (often members of one type, in one file): no per-file cap.
    const cap = placedRank.has(c.id) ? Infinity : opts.perFileCap;
    if (n >= cap || taken >= opts.limit) {
      c.capped = true;
      continue;
    }
    perFile.set(c.path, n + 1);
    taken++;
  }
  return out;
}
