/**
 * Budget fitting, the one loop both assemblies use. Ranked candidates (best first) are
 * compacted when their rendered tokens exceed the compaction threshold of the budget
 * (duplicates go, overlaps merge, bodies become signatures: see `compactor.ts`), taken
 * best first while each fits the budget by its own count, and then the exact count of
 * the whole prompt they make is checked against a hard limit: the lowest-ranked kept
 * item is dropped until it fits. So an assembly is never over its limit, compacts
 * before it drops, and drops the worst last-first.
 */
import type { ContextCandidateInfo, ContextDiagnostics } from '../../protocol';
import { compact, type CompactItem } from './compactor';
import type { RetrievedChunk } from './retrieval';

/** A candidate as the fitting sees it: `rank` is its index in the ranked list (0 = best). */
export interface FitItem extends CompactItem {
  /** 0 = stable (a definition the current file imports), 1 = volatile; the render order. */
  tier: 0 | 1;
  /** The header of the container a member chunk was cut out of, rendered above it. */
  context?: string;
  /** Placed by text similarity alone (BM25 or embeddings), not by a syntax signal: drifts from keystroke to keystroke. */
  lexical?: boolean;
}

export type FitOutcome = ContextCandidateInfo['outcome'];

export interface FitOptions {
  /** Tokens the items may take together, each counted by `measure`. */
  budget: number;
  /** Compact first when the items' total exceeds this share of `budget`. */
  compactionThreshold: number;
  /** Tokens of one item as rendered in the prompt (its separator included). */
  measure: (item: FitItem) => number;
  /** Exact tokens of the whole prompt made with `kept` (best first); must end within `limit`. */
  exact: (kept: FitItem[]) => number;
  limit: number;
}

export interface FitResult {
  /** The items to render, best first (compacted where the compactor changed them). */
  kept: FitItem[];
  /** `exact(kept)`: never above the limit unless nothing is kept. */
  tokens: number;
  /** Outcome of every input item, by `candidateKey` of the item as given. */
  outcomes: Map<string, FitOutcome>;
  /** Tokens of each item that reached the fitting (after compaction), by `candidateKey`. */
  itemTokens: Map<string, number>;
  compaction: ContextDiagnostics['compaction'];
}

/** How outcomes are keyed: a candidate's file and first line. */
export function candidateKey(c: { path: string; startLine: number }): string {
  return `${c.path}:${c.startLine}`;
}

/** Retrieved chunks (best first) as items to fit. */
export function toFitItems(chunks: RetrievedChunk[]): FitItem[] {
  return chunks.map((c, rank) => ({
    path: c.file,
    language: c.language,
    startLine: c.startLine,
    endLine: c.endLine,
    text: c.text,
    hash: c.hash,
    rank,
    tier: c.sources.includes('imports') ? 0 : 1,
    ...(c.context ? { context: c.context } : {}),
    ...(c.placedBy === 'bm25' || c.placedBy === 'vector' ? { lexical: true } : {}),
  }));
}

export function fitToBudget(items: FitItem[], opts: FitOptions): FitResult {
  const { budget, compactionThreshold, measure } = opts;
  const byRank = new Map(items.map((it) => [it.rank, it]));
  const keyOf = (rank: number) => candidateKey(byRank.get(rank)!);
  const outcomes = new Map<string, FitOutcome>();
  const itemTokens = new Map<string, number>();
  const compaction = { ran: false, signatures: 0, merged: 0, duplicates: 0 };

  // 1. Compact when over the threshold.
  let work = items;
  const total = items.reduce((s, it) => s + measure(it), 0);
  if (total > compactionThreshold * budget) {
    const res = compact(items, Math.floor(compactionThreshold * budget), measure);
    compaction.ran = true;
    compaction.signatures = res.signatures;
    compaction.merged = res.merged;
    compaction.duplicates = res.duplicates.length;
    for (const r of res.duplicates) outcomes.set(keyOf(r), 'duplicate');
    for (const it of res.items) for (const r of it.mergedFrom ?? []) outcomes.set(keyOf(r), 'compacted');
    work = res.items;
  }

  // 2. Best first, each while it fits.
  const kept: FitItem[] = [];
  let sum = 0;
  for (const it of work) {
    const t = measure(it);
    if (sum + t > budget) continue;
    kept.push(it);
    sum += t;
  }

  // 3. The exact count of the whole prompt: drop the lowest-ranked until it fits.
  let tokens = opts.exact(kept);
  while (kept.length > 0 && tokens > opts.limit) {
    const worst = kept.reduce((w, k) => (k.rank > w.rank ? k : w));
    kept.splice(kept.indexOf(worst), 1);
    tokens = opts.exact(kept);
  }

  const keptSet = new Set(kept);
  for (const it of work) {
    const k = keyOf(it.rank);
    itemTokens.set(k, measure(it));
    outcomes.set(k, keptSet.has(it) ? (it.compacted ? 'compacted' : 'selected') : 'dropped');
  }
  return { kept, tokens, outcomes, itemTokens, compaction };
}
