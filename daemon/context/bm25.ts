/**
 * The query side of lexical retrieval: turns the text around a cursor (or a search
 * string) into an FTS5 `MATCH` expression over the same terms the index holds.
 * Identifiers nearer the cursor weigh more; terms found in many chunks (over 10% of
 * them, or over 2,000) are dropped (they cost time and do not rank); the strongest
 * `maxTerms` (weight × idf) are OR-ed, within a budget of postings (the chunks the terms
 * are found in, together): FTS5 scores every posting of an OR query, about a microsecond
 * each, so the budget bounds the query's time on a large index whatever the cursor.
 */
import { identifiersIn, termsOfIdentifier } from './identifiers';

export interface WeightedTerm {
  term: string;
  weight: number;
}

/** A query is made of at most this many identifiers (the nearest the cursor): each costs an index lookup. */
export const MAX_QUERY_IDENTIFIERS = 256;

/** Terms of the last lines of `text`, the last line weighing most; at most `maxIdentifiers` identifiers, nearest the end first. */
export function queryTerms(text: string, opts: { lines?: number; maxIdentifiers?: number } = {}): WeightedTerm[] {
  const lines = text.split('\n');
  const take = opts.lines ?? lines.length;
  const start = Math.max(0, lines.length - take);
  let budget = opts.maxIdentifiers ?? MAX_QUERY_IDENTIFIERS;
  const weights = new Map<string, number>();
  for (let i = lines.length - 1; i >= start && budget > 0; i--) {
    const recency = 1 + (i - start) / Math.max(1, lines.length - start);
    const idents = identifiersIn(lines[i]);
    for (const ident of idents.length > budget ? idents.slice(-budget) : idents) {
      for (const term of termsOfIdentifier(ident)) {
        // Whole identifiers count double: an exact name is the best evidence.
        const w = recency * (term === ident.replace(/\$/g, '').toLowerCase() ? 2 : 1);
        weights.set(term, (weights.get(term) ?? 0) + w);
      }
    }
    budget -= idents.length;
  }
  return [...weights].map(([term, weight]) => ({ term, weight }));
}

/**
 * Build the FTS5 expression. `docFrequency` (chunks containing a term) and `totalDocs`
 * let it drop terms present in more than `maxDfRatio` of all chunks and prefer rare ones.
 * When `expired` says the deadline has passed, the terms looked up so far make the query.
 */
export function buildMatch(
  terms: WeightedTerm[],
  opts: {
    maxTerms?: number;
    docFrequency?: (term: string) => number;
    totalDocs?: number;
    maxDfRatio?: number;
    maxDf?: number;
    /** Most postings (summed document frequencies) the chosen terms may have; a term that would go over is skipped for rarer ones. */
    maxPostings?: number;
    expired?: () => boolean;
  } = {},
): string {
  const maxTerms = opts.maxTerms ?? 12;
  const total = opts.totalDocs ?? 0;
  const scored: Array<WeightedTerm & { df: number }> = [];
  for (let i = 0; i < terms.length; i++) {
    if (i % 16 === 15 && opts.expired?.()) break;
    const t = terms[i];
    if (!/^[a-z0-9_]{2,64}$/.test(t.term)) continue;
    let w = t.weight;
    let df = 0;
    if (opts.docFrequency && total > 0) {
      df = opts.docFrequency(t.term);
      if (df === 0) continue;
      if (total >= 50 && df / total > (opts.maxDfRatio ?? 0.1)) continue;
      // A term in thousands of chunks costs milliseconds and ranks little: leave it out.
      if (df > (opts.maxDf ?? 2000)) continue;
      w *= Math.log(1 + total / df);
    }
    scored.push({ term: t.term, weight: w, df });
  }
  scored.sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : 1));
  const budget = opts.maxPostings ?? Infinity;
  const chosen: string[] = [];
  let postings = 0;
  for (const t of scored) {
    if (chosen.length >= maxTerms) break;
    if (postings + t.df > budget) continue;
    postings += t.df;
    chosen.push(`"${t.term}"`);
  }
  return chosen.join(' OR ');
}
