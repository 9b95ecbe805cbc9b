/**
 * The definitions retriever: where the identifiers right above the cursor are declared,
 * most recent first, unambiguous names only (a name declared in more than three places
 * says nothing about which one is meant).
 */
import { STOP_WORDS, identifiersIn } from './identifiers';
import type { IndexStore } from './index-store';

/**
 * Chunk ids declaring the identifiers of `queryWindow`; with `prose`, all-lowercase words
 * are not taken as names. Stops looking names up once `expired` says the deadline passed.
 */
export function definitionsRetriever(
  store: Pick<IndexStore, 'definitions'>,
  queryWindow: string,
  prose: boolean,
  expired: () => boolean = () => false,
): number[] {
  const idents = identifiersIn(queryWindow);
  const seen = new Set<string>();
  const out: number[] = [];
  for (let i = idents.length - 1; i >= 0 && seen.size < 16 && !expired(); i--) {
    const id = idents[i];
    if (id.length < 3 || seen.has(id) || STOP_WORDS.has(id.toLowerCase())) continue;
    if (prose && /^[a-z]+$/.test(id)) continue;
    seen.add(id);
    const defs = store.definitions(id, 4);
    if (defs.length === 0 || defs.length > 3) continue;
    for (const d of defs) out.push(d.chunkId);
  }
  return out;
}
