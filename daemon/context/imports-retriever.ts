/**
 * The imports retriever: definitions of what the current file imports, best first —
 * names used right above the cursor, then names imported but not used yet (about to be),
 * then names used long ago. Members of a namespace import being typed at the cursor
 * (`ns.|`) come before all of them. Also reports which files are imported and which
 * chunks are unused imports or namespace members, for the fusion's boosts.
 */
import { buildMatch, queryTerms } from './bm25';
import { STOP_WORDS, identifiersIn, splitIdentifier } from './identifiers';
import { parseImports, resolveImport } from './imports';
import type { IndexStore } from './index-store';

/** What the imports retriever needs of a root's index. */
export interface ImportsIndex {
  store: Pick<
    IndexStore,
    'hasFile' | 'findBySuffix' | 'definitionsIn' | 'definitions' | 'symbolsOf' | 'bm25Within' | 'chunkIdsOf' | 'docFrequency'
  >;
  chunkCount: number;
}

/** Signals for the fusion, filled in by `importsRetriever`. */
export interface ImportSignals {
  /** Root-relative paths of the files the current file imports. */
  files: Set<string>;
  /** Chunks defining names imported but not used above the cursor yet. */
  unused: Set<number>;
  /** Chunks declaring members of the namespace import being typed at the cursor. */
  members: Set<number>;
}

export interface ImportsQuery {
  /** Root-relative path and language of the current document. */
  rel: string;
  language: string;
  prefix: string;
  suffix: string;
  /** The last lines above the cursor. */
  queryWindow: string;
  /** True once the deadline has passed: the imports looked at so far make the answer. */
  expired?: () => boolean;
}

/** Definitions of the symbols the current file imports, best first (chunk ids). */
export function importsRetriever(index: ImportsIndex, q: ImportsQuery, out: ImportSignals): number[] {
  const { rel, language, prefix, suffix, queryWindow } = q;
  const expired = q.expired ?? (() => false);
  const store = index.store;
  const head = prefix.length > 200_000 ? prefix.slice(0, 200_000) : prefix;
  const statements = parseImports(head, language);
  if (statements.length === 0) return [];
  const body = stripImportLines(prefix.length > 200_000 ? prefix.slice(-200_000) : prefix);
  const bodyIdents = new Set(identifiersIn(body));
  const recentPos = new Map<string, number>();
  for (const m of queryWindow.matchAll(/[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)?/g)) {
    recentPos.set(m[0], m.index ?? 0);
    const dot = m[0].indexOf('.');
    if (dot > 0) recentPos.set(m[0].slice(0, dot), m.index ?? 0);
  }
  const tail = suffix.length > 20_000 ? suffix.slice(0, 20_000) : suffix;
  const ranked: Array<{ id: number; priority: number; order: number }> = [];
  let order = 0;
  // `ns.` or `ns.par` right before the cursor: a member of a namespace import is being typed.
  const member = /(?<![\w$.])([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)?$/.exec(prefix.slice(-200));
  const parts = queryParts(queryWindow);
  for (const st of statements) {
    if (expired()) break;
    const file = resolveImport(
      st.specifier,
      rel,
      language,
      (p) => store.hasFile(p),
      (s) => store.findBySuffix(s),
    );
    if (file) out.files.add(file);
    if (file && member && st.namespace === member[1]) {
      const { named, similar } = memberCandidates(index, file, member[2] ?? '', queryWindow, parts, expired);
      for (const id of named) {
        ranked.push({ id, priority: -1, order: order++ });
        out.members.add(id);
      }
      for (const id of similar) ranked.push({ id, priority: -1, order: order++ });
    }
    const wanted: Array<{ name: string; local: string }> = st.names.map((n) => ({
      name: n.imported === 'default' ? n.local : n.imported,
      local: n.local,
    }));
    if (st.namespace && file) {
      const re = new RegExp(`\\b${escapeRe(st.namespace)}\\.([A-Za-z_$][\\w$]*)`, 'g');
      for (const m of (body + '\n' + tail).matchAll(re)) wanted.push({ name: m[1], local: `${st.namespace}.${m[1]}` });
    }
    const seen = new Set<string>();
    for (const w of wanted) {
      if (seen.has(w.name) || expired()) continue;
      seen.add(w.name);
      let defs = file ? store.definitionsIn(w.name, file).map((d) => d.chunkId) : [];
      // A barrel file (`export * from`) or a path alias: fall back to a unique definition by name.
      if (defs.length === 0 && w.name.length >= 3) {
        const any = store.definitions(w.name, 2);
        if (any.length === 1 && any[0].path !== rel) defs = [any[0].chunkId];
      }
      if (defs.length === 0) continue;
      const recency = recentPos.get(w.local) ?? -1;
      const usedInBody = w.local.includes('.') ? recency >= 0 || body.includes(w.local) : bodyIdents.has(w.local);
      // Used right above the cursor: most relevant; imported but unused so far: about to be
      // used (ranked with the names used in the second half of the window); used long ago: last.
      const priority = !usedInBody
        ? 0.5 - 0.4 * Math.min(1, nameAffinity(w.name, parts))
        : recency >= 0
          ? 1 - recency / Math.max(1, queryWindow.length)
          : 3;
      for (const id of defs.slice(0, 2)) {
        ranked.push({ id, priority, order: order++ });
        if (!usedInBody) out.unused.add(id);
      }
    }
  }
  ranked.sort((a, b) => a.priority - b.priority || a.order - b.order);
  return ranked.map((r) => r.id);
}

/** Weighted identifier parts of the lines above the cursor (the cursor line weighs most). */
function queryParts(queryWindow: string): Map<string, number> {
  const lines = queryWindow.split('\n');
  const parts = new Map<string, number>();
  lines.forEach((line, i) => {
    const w = i === lines.length - 1 ? 3 : i >= lines.length - 3 ? 2 : 1;
    for (const ident of identifiersIn(line)) {
      for (const p of splitIdentifier(ident)) if (p.length > 1 && !STOP_WORDS.has(p)) parts.set(p, Math.max(parts.get(p) ?? 0, w));
    }
  });
  return parts;
}

/**
 * Chunks of a namespace-imported file for a member being typed: `named`, declaring a
 * symbol that starts with the typed part (best name affinity with the lines above first;
 * these get the namespace-member boost), and, when those are few, `similar`: the file's
 * chunks closest to those lines.
 */
function memberCandidates(
  index: ImportsIndex,
  file: string,
  typed: string,
  queryWindow: string,
  parts: Map<string, number>,
  expired: () => boolean,
): { named: number[]; similar: number[] } {
  const store = index.store;
  const out: number[] = [];
  // Symbols starting with what is typed, those sharing name parts with the lines above first.
  const symbols = store
    .symbolsOf(file)
    .filter((s) => s.name.startsWith(typed))
    .map((s, i) => ({ ...s, i, affinity: nameAffinity(s.name, parts) }))
    .filter((s) => typed !== '' || s.affinity > 0)
    .sort((a, b) => b.affinity - a.affinity || a.i - b.i);
  for (const s of symbols.slice(0, 8)) if (!out.includes(s.chunkId)) out.push(s.chunkId);
  const similar: number[] = [];
  if (out.length < 6) {
    const match = buildMatch(queryTerms(queryWindow), {
      docFrequency: (t) => store.docFrequency(t),
      totalDocs: index.chunkCount,
      expired,
    });
    for (const h of store.bm25Within(match, store.chunkIdsOf(file), 10)) if (!out.includes(h.id)) similar.push(h.id);
  }
  return { named: out, similar: similar.slice(0, 12 - out.length) };
}

/**
 * How much a symbol's name shares with the identifier parts above the cursor: matched
 * part weights over the name's part count (square-rooted, so a short name that matches
 * beats a long one that matches as much). 0 when nothing matches.
 */
function nameAffinity(name: string, parts: Map<string, number>): number {
  const own = splitIdentifier(name).filter((p) => p.length > 1);
  if (own.length === 0 || parts.size === 0) return 0;
  let sum = 0;
  for (const p of new Set(own)) sum += parts.get(p) ?? 0;
  return sum / (3 * Math.sqrt(own.length));
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The prefix without import statements (to tell "imported" from "used"). */
function stripImportLines(text: string): string {
  return text
    .replace(/(^|\n)[ \t]*(?:import|export)\s[\w$\s{},*]{0,2000}?\sfrom\s+['"][^'"\n]+['"];?/g, '$1')
    .replace(/(^|\n)[ \t]*(?:from\s+[.\w]+\s+)?import\s[^\n]*/g, '$1')
    .replace(/(^|\n)[ \t]*(?:pub\s+)?use\s[^\n]*/g, '$1');
}
