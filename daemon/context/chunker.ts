/**
 * Chunking: code is cut at declaration and blank-line boundaries, never inside a line.
 *
 * Each pass looks at the lines of a range, takes as cut points the lines at the range's
 * outermost indentation that start a declaration or follow a blank line (pulled up over
 * the comments and decorators attached to them), cuts there, merges neighbouring small
 * pieces and recurses into pieces still larger than the limits. A range with no cut
 * point left is cut every `maxLines` lines. Runs of pieces under `minLines` lines
 * (imports, constants, one-liners) merge; real declarations stay on their own. Each chunk records its 1-based line span and
 * the symbols declared in it.
 */
import { createHash } from 'node:crypto';
import { declaredName, specFor, type LanguageSpec } from './languages';
import type { Definition, DefinitionKind, SyntaxOutline } from './syntax/types';

export interface ChunkSymbol {
  name: string;
  /** 1-based line of the declaration. */
  line: number;
  /** What it declares (tree-sitter parses; the heuristic parser does not know). */
  kind?: DefinitionKind;
  /** The enclosing class, struct, impl, trait, interface or namespace. */
  container?: string;
}

export interface Chunk {
  /** 1-based inclusive line span. */
  startLine: number;
  endLine: number;
  text: string;
  symbols: ChunkSymbol[];
  /** sha256 of the text (hex, 32 chars): the embedding cache key. */
  hash: string;
  /**
   * For a member of a class (struct, impl, namespace …) cut out of it: the header lines of
   * its containers (`export class Pool<T> extends Base {`), outermost first. Not part of the
   * span or the text.
   */
  context?: string;
}

export interface ChunkOptions {
  maxLines: number;
  maxChars: number;
  /** Pieces smaller than this many lines are merged with a neighbour. */
  minLines?: number;
}

export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

function indentOf(line: string): number {
  let n = 0;
  for (const ch of line) {
    if (ch === ' ') n += 1;
    else if (ch === '\t') n += 4;
    else break;
  }
  return n;
}

const isBlank = (line: string) => line.trim() === '';

/** Chunk a file's text. Lines keep their content exactly; `text` joins them with `\n`. */
export function chunkText(text: string, languageId: string, opts: ChunkOptions): Chunk[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const spec = specFor(languageId);
  const minLines = opts.minLines ?? Math.max(3, Math.floor(opts.maxLines / 10));
  const chars = lines.map((l) => l.length + 1);
  const cum = new Array<number>(lines.length + 1);
  cum[0] = 0;
  for (let i = 0; i < lines.length; i++) cum[i + 1] = cum[i] + chars[i];
  const blankBefore = new Array<number>(lines.length + 1);
  blankBefore[0] = 0;
  for (let i = 0; i < lines.length; i++) blankBefore[i + 1] = blankBefore[i] + (isBlank(lines[i]) ? 1 : 0);
  const decl = lines.map((l) => (isBlank(l) ? undefined : declaredName(spec, l)));

  const size = (a: number, b: number) => cum[b] - cum[a];
  const fits = (a: number, b: number) => b - a <= opts.maxLines && size(a, b) <= opts.maxChars;

  const ranges: Array<[number, number]> = [];
  const split = (a: number, b: number, top: boolean): void => {
    // Trim blank lines at both ends: chunks start and end on content.
    while (a < b && isBlank(lines[a])) a++;
    while (b > a && isBlank(lines[b - 1])) b--;
    if (a >= b) return;
    if (!top && fits(a, b)) {
      ranges.push([a, b]);
      return;
    }
    const cuts = cutPoints(lines, decl, spec, a, b);
    if (cuts.length === 0) {
      if (fits(a, b)) ranges.push([a, b]);
      else hardCut(a, b);
      return;
    }
    const pieces: Array<[number, number]> = [];
    let start = a;
    for (const c of cuts) {
      pieces.push([start, c]);
      start = c;
    }
    pieces.push([start, b]);
    for (const [pa, pb] of mergeSmall(pieces)) {
      if (fits(pa, pb)) pushTrimmed(pa, pb);
      else split(pa, pb, false);
    }
  };
  const pushTrimmed = (a: number, b: number) => {
    while (a < b && isBlank(lines[a])) a++;
    while (b > a && isBlank(lines[b - 1])) b--;
    if (a < b) ranges.push([a, b]);
  };
  const hardCut = (a: number, b: number) => {
    let start = a;
    while (start < b) {
      let end = start;
      let c = 0;
      while (end < b && end - start < opts.maxLines && (end === start || c + chars[end] <= opts.maxChars)) c += chars[end++];
      pushTrimmed(start, end);
      start = end;
    }
  };
  const contentLines = (a: number, b: number) => b - a - (blankBefore[b] - blankBefore[a]);
  const mergeSmall = (pieces: Array<[number, number]>): Array<[number, number]> => {
    const out: Array<[number, number]> = [];
    for (const p of pieces) {
      const last = out[out.length - 1];
      const small = last && contentLines(last[0], last[1]) < minLines && contentLines(p[0], p[1]) < minLines;
      if (last && small && fits(last[0], p[1])) last[1] = p[1];
      else out.push([p[0], p[1]]);
    }
    return out;
  };

  split(0, lines.length, true);
  ranges.sort((x, y) => x[0] - y[0]);
  return ranges.map(([a, b]) => {
    const body = lines.slice(a, b).join('\n');
    const symbols: ChunkSymbol[] = [];
    const seen = new Set<string>();
    for (let i = a; i < b; i++) {
      const name = decl[i];
      if (name && !seen.has(name)) {
        seen.add(name);
        symbols.push({ name, line: i + 1 });
      }
    }
    return { startLine: a + 1, endLine: b, text: body, symbols, hash: contentHash(body) };
  });
}

/** Lines in (a, b) where a chunk may start, at the outermost indentation of the range. */
function cutPoints(lines: string[], decl: Array<string | undefined>, spec: LanguageSpec, a: number, b: number): number[] {
  let base = Infinity;
  for (let i = a; i < b; i++) if (!isBlank(lines[i])) base = Math.min(base, indentOf(lines[i]));
  // The first line is usually a header (`class X {`); cut points are then one level in.
  const inner = (level: number) => {
    const out: number[] = [];
    for (let i = a + 1; i < b; i++) {
      const line = lines[i];
      if (isBlank(line) || indentOf(line) !== level) continue;
      if (!(decl[i] !== undefined || isBlank(lines[i - 1]))) continue;
      if (/^\s*[)\]}]/.test(line)) continue;
      // Pull the cut up over the comments / decorators attached to the line.
      let c = i;
      while (
        c - 1 >= a &&
        !isBlank(lines[c - 1]) &&
        indentOf(lines[c - 1]) >= level &&
        spec.attached.test(lines[c - 1]) &&
        decl[c - 1] === undefined
      )
        c--;
      // Only comments/decorators between the range start and here: not a real boundary.
      if (c <= a) continue;
      if (out[out.length - 1] !== c) out.push(c);
    }
    return out;
  };
  const atBase = inner(base);
  if (atBase.length > 0) return atBase;
  // Nothing at the outer level: look one level deeper (the body of a single big declaration).
  let deeper = Infinity;
  for (let i = a + 1; i < b; i++) if (!isBlank(lines[i]) && indentOf(lines[i]) > base) deeper = Math.min(deeper, indentOf(lines[i]));
  return deeper === Infinity ? [] : inner(deeper);
}

/**
 * Chunk along a syntax outline (tree-sitter): the same limits and merging as `chunkText`,
 * but cut only where a declaration or statement starts, with exact spans. A piece that
 * is too large is cut at its own members (a class at its methods, a function at its
 * statements) and, failing those, every `maxLines` lines; members cut out of a container
 * carry the container's header lines as `context`. `definitions` become each chunk's
 * symbols (by the line of their name).
 */
export function chunkOutline(text: string, outline: SyntaxOutline, definitions: Definition[], opts: ChunkOptions): Chunk[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const minLines = opts.minLines ?? Math.max(3, Math.floor(opts.maxLines / 10));
  const cum = new Array<number>(lines.length + 1);
  cum[0] = 0;
  for (let i = 0; i < lines.length; i++) cum[i + 1] = cum[i] + lines[i].length + 1;
  const fits = (a: number, b: number) => b - a <= opts.maxLines && cum[b] - cum[a] <= opts.maxChars;
  const content = (a: number, b: number) => {
    let n = 0;
    for (let i = a; i < b; i++) if (!isBlank(lines[i])) n++;
    return n;
  };
  const ranges: Array<{ a: number; b: number; context?: string }> = [];
  const push = (a: number, b: number, context: string | undefined) => {
    while (a < b && isBlank(lines[a])) a++;
    while (b > a && isBlank(lines[b - 1])) b--;
    if (a < b) ranges.push(context ? { a, b, context } : { a, b });
  };
  const hardCut = (a: number, b: number, context: string | undefined) => {
    let start = a;
    while (start < b) {
      let end = start;
      while (end < b && end - start < opts.maxLines && (end === start || cum[end + 1] - cum[start] <= opts.maxChars)) end++;
      push(start, end, context);
      start = end;
    }
  };
  const headerText = (h: [number, number]) => {
    const t = lines
      .slice(h[0], Math.min(h[1], lines.length - 1) + 1)
      .map((l) => l.trimEnd())
      .join('\n');
    return t.length > 300 ? `${t.slice(0, 300)}…` : t;
  };
  // Iterative: a work list of (outline node, range, context of the node's own pieces).
  const work: Array<{ node: SyntaxOutline; a: number; b: number; ctx?: string; top: boolean }> = [
    { node: outline, a: 0, b: lines.length, top: true },
  ];
  while (work.length > 0) {
    const { node, a: a0, b: b0, ctx, top } = work.pop()!;
    let a = a0;
    let b = b0;
    while (a < b && isBlank(lines[a])) a++;
    while (b > a && isBlank(lines[b - 1])) b--;
    if (a >= b) continue;
    if (!top && fits(a, b)) {
      push(a, b, ctx);
      continue;
    }
    // A declaration that fits without its comment block but not with it: whole, with as much of the comment
    // as fits right above it, the rest of the comment its own chunk (a cut every maxLines lines would part
    // a long doc comment's method from its name or an overload's implementation from its signatures).
    const decl = node.declaration;
    if (!top && decl !== undefined && decl > a && decl < b && fits(decl, b)) {
      let cut = decl;
      while (cut > a && fits(cut - 1, b)) cut--;
      hardCut(a, cut, ctx);
      push(cut, b, ctx);
      continue;
    }
    const kids = node.children.filter((k) => k.start >= a && k.start < b);
    if (kids.length === 0 || (kids.length === 1 && kids[0].start <= a && kids[0].children.length === 0)) {
      if (fits(a, b)) push(a, b, ctx);
      else hardCut(a, b, ctx);
      continue;
    }
    const memberCtx = node.header ? [ctx, headerText(node.header)].filter(Boolean).join('\n') : ctx;
    const pieces: Array<{ a: number; b: number; node?: SyntaxOutline }> = [];
    if (kids[0].start > a) pieces.push({ a, b: kids[0].start });
    kids.forEach((k, i) => pieces.push({ a: k.start, b: i + 1 < kids.length ? kids[i + 1].start : b, node: k }));
    // Merge runs of small pieces (imports, fields, one-liners) while they fit together.
    const merged: typeof pieces = [];
    for (const p of pieces) {
      const last = merged[merged.length - 1];
      if (last && content(last.a, last.b) < minLines && content(p.a, p.b) < minLines && fits(last.a, p.b)) {
        last.b = p.b;
        last.node = undefined;
      } else merged.push({ ...p });
    }
    // Pieces are pushed in reverse so the work list yields them in order.
    const todo: typeof work = [];
    for (const p of merged) {
      const pieceCtx = node.header && p.a <= node.header[0] ? ctx : memberCtx;
      if (fits(p.a, p.b)) push(p.a, p.b, pieceCtx);
      else if (p.node && p.node !== node) todo.push({ node: p.node, a: p.a, b: p.b, ctx: pieceCtx, top: false });
      else hardCut(p.a, p.b, pieceCtx);
    }
    for (let i = todo.length - 1; i >= 0; i--) work.push(todo[i]);
  }
  ranges.sort((x, y) => x.a - y.a);
  const defs = [...definitions].sort((x, y) => x.line - y.line);
  let d = 0;
  return ranges.map(({ a, b, context }) => {
    const body = lines.slice(a, b).join('\n');
    const symbols: ChunkSymbol[] = [];
    const seen = new Set<string>();
    while (d < defs.length && defs[d].line < a + 1) d++;
    for (let i = d; i < defs.length && defs[i].line <= b; i++) {
      const def = defs[i];
      if (seen.has(def.name)) continue;
      seen.add(def.name);
      symbols.push({ name: def.name, line: def.line, kind: def.kind, ...(def.container ? { container: def.container } : {}) });
    }
    return { startLine: a + 1, endLine: b, text: body, symbols, hash: contentHash(body), ...(context ? { context } : {}) };
  });
}
