/**
 * The compactor shrinks candidates meaningfully before anything is dropped: exact
 * duplicates go, overlapping or touching chunks of the same file merge into one, and
 * then, lowest-ranked first, bodies are reduced to signatures (declaration lines and
 * the lines at the chunk's outer indentation, with `...` where a body was) until the
 * total fits the target.
 */
import { declaredName, specFor } from './languages';

export interface CompactItem {
  path: string;
  language: string;
  startLine: number;
  endLine: number;
  text: string;
  hash: string;
  /** Index in the caller's ranked list (lower is better). */
  rank: number;
  compacted?: 'signature' | 'merged';
  /** Kept as it is (a chunk of the last prompt at this place): never merged or cut to its signature. */
  frozen?: boolean;
  /** Ranks of the items merged into this one. */
  mergedFrom?: number[];
}

export interface CompactResult<T extends CompactItem> {
  items: T[];
  duplicates: number[];
  merged: number;
  signatures: number;
}

/** Reduce a chunk to its signatures; returns the text unchanged when nothing can go. */
export function toSignature(text: string, languageId: string): string {
  const spec = specFor(languageId);
  const lines = text.split('\n');
  const indent = (l: string) => /^[ \t]*/.exec(l)![0].replace(/\t/g, '    ').length;
  let base = Infinity;
  for (const l of lines) if (l.trim() !== '') base = Math.min(base, indent(l));
  const out: string[] = [];
  let elided = false;
  let lastDeclIndent = base;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const isDecl = declaredName(spec, l) !== undefined;
    if (isDecl) lastDeclIndent = indent(l);
    const keep =
      l.trim() !== '' &&
      (indent(l) <= base ||
        isDecl ||
        // The closing bracket of a kept declaration.
        (/^\s*[}\])]+[;,]?\s*$/.test(l) && indent(l) <= lastDeclIndent) ||
        (spec.attached.test(l) && i + 1 < lines.length && declaredName(spec, lines[i + 1]) !== undefined));
    if (keep) {
      out.push(l);
      elided = false;
    } else if (l.trim() !== '' && !elided) {
      const prev = out[out.length - 1] ?? '';
      out.push(`${' '.repeat(indent(prev) + (spec.braces ? 2 : 4))}...`);
      elided = true;
    }
  }
  const result = out.join('\n');
  return result.length < text.length ? result : text;
}

export function compact<T extends CompactItem>(ranked: T[], target: number, measure: (item: T) => number): CompactResult<T> {
  // 1. Exact duplicates (same content anywhere): keep the best-ranked copy.
  const seen = new Set<string>();
  const duplicates: number[] = [];
  let items: T[] = [];
  for (const it of ranked) {
    if (seen.has(it.hash)) duplicates.push(it.rank);
    else {
      seen.add(it.hash);
      items.push(it);
    }
  }
  // 2. Overlapping or touching chunks of one file: merge into the better-ranked one.
  let merged = 0;
  const out: T[] = [];
  for (const it of items) {
    const host = it.frozen
      ? undefined
      : out.find((o) => !o.frozen && o.path === it.path && it.startLine <= o.endLine + 1 && o.startLine <= it.endLine + 1);
    if (!host) {
      out.push({ ...it });
      continue;
    }
    mergeInto(host, it);
    merged++;
  }
  items = out;
  // 3. Signatures, lowest-ranked first, until the total fits.
  let signatures = 0;
  let total = items.reduce((s, it) => s + measure(it), 0);
  for (let i = items.length - 1; i >= 0 && total > target; i--) {
    const it = items[i];
    if (it.frozen) continue;
    const sig = toSignature(it.text, it.language);
    if (sig === it.text) continue;
    const before = measure(it);
    it.text = sig;
    it.compacted = 'signature';
    signatures++;
    total += measure(it) - before;
  }
  return { items, duplicates, merged, signatures };
}

function mergeInto<T extends CompactItem>(host: T, other: T): void {
  const a = host.startLine <= other.startLine ? host : other;
  const b = a === host ? other : host;
  const aLines = a.text.split('\n');
  const bLines = b.text.split('\n');
  const tail = bLines.slice(Math.max(0, a.endLine - b.startLine + 1));
  const text = [...aLines, ...tail].join('\n');
  host.mergedFrom = [...(host.mergedFrom ?? []), other.rank];
  host.startLine = a.startLine;
  host.endLine = Math.max(a.endLine, b.endLine);
  host.text = text;
  host.compacted = 'merged';
}
