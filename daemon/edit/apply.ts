/**
 * Locating edit blocks in a file and turning them into non-overlapping text edits.
 *
 * Each block's search text is looked up in the ORIGINAL text of the file (blocks do not
 * see each other's results), first exactly, then line by line ignoring trailing
 * whitespace, then ignoring indentation and runs of blanks (whitespace drift). The
 * strictest level that finds anything decides: one match is used; several are
 * ambiguous and refused (naming the lines) unless a diff hunk's line hint points at
 * exactly one of them. When the match needed indentation tolerance, the replacement
 * is re-indented by the difference. Line endings follow the file (CRLF stays CRLF).
 * Pure.
 */
import type { Range, TextEdit } from '../../protocol';
import type { EditBlock } from './format';

export interface OffsetEdit {
  /** Offsets into the original text (UTF-16 code units). */
  start: number;
  end: number;
  newText: string;
  blockIndex: number;
}

export type BlockFailureKind = 'no_match' | 'ambiguous' | 'overlap' | 'malformed';

export interface BlockFailure {
  blockIndex: number;
  sourceLine: number;
  kind: BlockFailureKind;
  reason: string;
}

export interface AppliedBlocks {
  /** Sorted by start, non-overlapping. */
  edits: OffsetEdit[];
  failures: BlockFailure[];
  /** The text with every located block applied. */
  newText: string;
}

interface Line {
  start: number;
  /** Without the line break. */
  text: string;
}

function splitLines(text: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      out.push({ start, text: text.slice(start) });
      return out;
    }
    const end = nl > start && text[nl - 1] === '\r' ? nl - 1 : nl;
    out.push({ start, text: text.slice(start, end) });
    start = nl + 1;
  }
}

function eolOf(text: string): '\n' | '\r\n' {
  const nl = text.indexOf('\n');
  return nl > 0 && text[nl - 1] === '\r' ? '\r\n' : '\n';
}

const trimEnd = (s: string) => s.replace(/\s+$/, '');
const squash = (s: string) => s.trim().replace(/\s+/g, ' ');
const indentOf = (s: string) => /^[ \t]*/.exec(s)![0];

/** 1-based line of an offset. */
function lineAt(lines: Line[], offset: number): number {
  let lo = 0;
  let hi = lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lines[mid]!.start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

function listLines(ns: number[]): string {
  const shown = ns.slice(0, 6).join(', ');
  return ns.length > 6 ? `${shown}, …` : shown;
}

type Located = { ok: true; start: number; end: number; newText: string } | { ok: false; kind: BlockFailureKind; reason: string };

function describe(block: EditBlock, file: string): string {
  return `Block ${block.index + 1} (line ${block.sourceLine} of the answer) for ${file}`;
}

function locate(text: string, lines: Line[], block: EditBlock, file: string): Located {
  const eol = eolOf(text);
  const toEol = (s: string) => s.replace(/\r?\n/g, eol);
  if (block.search.trim() === '') {
    if (text.trim() === '')
      return {
        ok: true,
        start: 0,
        end: text.length,
        newText: toEol(block.replace) + (block.replace === '' || block.replace.endsWith('\n') ? '' : eol),
      };
    return {
      ok: false,
      kind: 'malformed',
      reason: `${describe(block, file)} has an empty SEARCH part, but the file is not empty; the SEARCH part must quote the lines to change.`,
    };
  }

  // 1. Exact.
  const needle = toEol(block.search);
  const exact: number[] = [];
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) exact.push(at);
  const pick = (starts: number[]): number | Located => {
    if (starts.length === 1) return starts[0]!;
    const startLines = starts.map((s) => lineAt(lines, s));
    if (block.lineHint !== undefined) {
      const hinted = starts.filter((_, k) => startLines[k] === block.lineHint);
      if (hinted.length === 1) return hinted[0]!;
    }
    return {
      ok: false,
      kind: 'ambiguous',
      reason: `${describe(block, file)} is ambiguous: its SEARCH text matches ${starts.length} places (lines ${listLines(startLines)}); include more surrounding lines so it matches exactly one.`,
    };
  };
  if (exact.length > 0) {
    const chosen = pick(exact);
    if (typeof chosen !== 'number') return chosen;
    return { ok: true, start: chosen, end: chosen + needle.length, newText: toEol(block.replace) };
  }

  // 2./3. Line by line, with growing whitespace tolerance.
  let searchLines = block.search.split('\n').map((l) => l.replace(/\r$/, ''));
  let replaceLines = block.replace === '' ? [] : block.replace.split('\n').map((l) => l.replace(/\r$/, ''));
  while (searchLines.length > 0 && searchLines[0]!.trim() === '') {
    searchLines = searchLines.slice(1);
    if (replaceLines.length > 0 && replaceLines[0]!.trim() === '') replaceLines = replaceLines.slice(1);
  }
  while (searchLines.length > 0 && searchLines[searchLines.length - 1]!.trim() === '') {
    searchLines = searchLines.slice(0, -1);
    if (replaceLines.length > 0 && replaceLines[replaceLines.length - 1]!.trim() === '') replaceLines = replaceLines.slice(0, -1);
  }
  const n = searchLines.length;
  for (const [level, norm] of [
    ['trailing', trimEnd],
    ['indent', squash],
  ] as const) {
    const wanted = searchLines.map(norm);
    const starts: number[] = [];
    for (let i = 0; i + n <= lines.length; i++) {
      let all = true;
      for (let j = 0; j < n; j++) {
        if (norm(lines[i + j]!.text) !== wanted[j]) {
          all = false;
          break;
        }
      }
      if (all) starts.push(i);
    }
    if (starts.length === 0) continue;
    const chosen = pick(starts.map((i) => lines[i]!.start));
    if (typeof chosen !== 'number') return chosen;
    const first = lineAt(lines, chosen) - 1;
    const last = lines[first + n - 1]!;
    let out = replaceLines;
    if (level === 'indent') {
      const k = searchLines.findIndex((l) => l.trim() !== '');
      const from = indentOf(searchLines[k]!);
      const to = indentOf(lines[first + k]!.text);
      if (from !== to) out = replaceLines.map((l) => (l.trim() === '' ? '' : l.startsWith(from) ? to + l.slice(from.length) : l));
    }
    return { ok: true, start: lines[first]!.start, end: last.start + last.text.length, newText: out.join(eol) };
  }

  const firstSearch = searchLines.find((l) => l.trim() !== '');
  const seenAt =
    firstSearch === undefined ? [] : lines.map((l, k) => (squash(l.text) === squash(firstSearch) ? k + 1 : 0)).filter((k) => k > 0);
  const hint = seenAt.length > 0 ? ` Its first line appears at line ${listLines(seenAt)}, but the lines after it differ.` : '';
  return {
    ok: false,
    kind: 'no_match',
    reason: `${describe(block, file)} does not match: its SEARCH text is not in the file, even ignoring whitespace.${hint}`,
  };
}

/**
 * Locate every block in `text` and apply them. With `partial: false` (the default) any
 * failure leaves the text unchanged (all or nothing for the file); with `partial: true`
 * the located blocks are applied and the others reported.
 */
export function applyBlocks(text: string, blocks: readonly EditBlock[], opts: { file?: string; partial?: boolean } = {}): AppliedBlocks {
  const file = opts.file ?? 'the file';
  const lines = splitLines(text);
  const failures: BlockFailure[] = [];
  const located: OffsetEdit[] = [];
  for (const block of blocks) {
    const r = locate(text, lines, block, file);
    if (r.ok)
      located.push({
        start: r.start,
        end: wholeLineDeletionEnd(text, r.start, r.end, r.newText),
        newText: r.newText,
        blockIndex: block.index,
      });
    else failures.push({ blockIndex: block.index, sourceLine: block.sourceLine, kind: r.kind, reason: r.reason });
  }
  located.sort((a, b) => a.start - b.start || a.end - b.end || a.blockIndex - b.blockIndex);
  const edits: OffsetEdit[] = [];
  for (const e of located) {
    const prev = edits[edits.length - 1];
    if (prev && e.start < prev.end) {
      if (e.start === prev.start && e.end === prev.end && e.newText === prev.newText) continue; // a repeated block
      const block = blocks.find((b) => b.index === e.blockIndex)!;
      failures.push({
        blockIndex: e.blockIndex,
        sourceLine: block.sourceLine,
        kind: 'overlap',
        reason: `${describe(block, file)} overlaps block ${prev.blockIndex + 1}; each block must change a different part of the file.`,
      });
      continue;
    }
    edits.push(e);
  }
  failures.sort((a, b) => a.blockIndex - b.blockIndex);
  if (failures.length > 0 && !opts.partial) return { edits: [], failures, newText: text };
  return { edits, failures, newText: applyOffsetEdits(text, edits) };
}

/**
 * A block that replaces whole lines with nothing deletes the lines, line breaks
 * included (rather than leaving an empty line behind).
 */
function wholeLineDeletionEnd(text: string, start: number, end: number, newText: string): number {
  if (newText !== '' || end <= start) return end;
  if (start > 0 && text[start - 1] !== '\n') return end;
  if (text.startsWith('\r\n', end)) return end + 2;
  if (text[end] === '\n') return end + 1;
  return end;
}

export function applyOffsetEdits(text: string, edits: readonly OffsetEdit[]): string {
  let out = '';
  let at = 0;
  for (const e of [...edits].sort((a, b) => a.start - b.start)) {
    out += text.slice(at, e.start) + e.newText;
    at = e.end;
  }
  return out + text.slice(at);
}

/** LSP position (0-based line, UTF-16 character) of an offset. */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let nl = text.indexOf('\n'); nl >= 0 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
    line++;
    lineStart = nl + 1;
  }
  return { line, character: offset - lineStart };
}

/** Offset edits as protocol text edits. */
export function toTextEdits(text: string, edits: readonly OffsetEdit[]): TextEdit[] {
  return edits.map((e) => {
    const range: Range = { start: positionAt(text, e.start), end: positionAt(text, e.end) };
    return { range, newText: e.newText };
  });
}

/** Offset of an LSP position in `text` (clamped to the line). */
export function offsetAt(text: string, pos: { line: number; character: number }): number {
  const lines = splitLines(text);
  if (pos.line >= lines.length) return text.length;
  const l = lines[pos.line]!;
  return l.start + Math.min(pos.character, l.text.length);
}

/** Apply protocol text edits to `text` (they must not overlap). */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  return applyOffsetEdits(
    text,
    edits.map((e, k) => ({ start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end), newText: e.newText, blockIndex: k })),
  );
}

/** Lines with their terminators, so that joining them gives the text back exactly. */
function linesWithEnds(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

export type WholeFileResult = { kind: 'edit'; edit: OffsetEdit } | { kind: 'same' } | { kind: 'not-whole'; reason: string };

/**
 * A model that answered with the whole new file instead of blocks: one edit replacing
 * what lies between the unchanged leading and trailing lines. Accepted only when the
 * answer is plausibly the whole file (a similar number of lines, at least half of the
 * lines unchanged at the ends); a snippet must never replace a file.
 */
export function wholeFileEdit(oldText: string, answerText: string): WholeFileResult {
  const eol = eolOf(oldText);
  const oldLines = linesWithEnds(oldText);
  const newLines = linesWithEnds(answerText.replace(/\r?\n/g, eol));
  if (oldText === answerText.replace(/\r?\n/g, eol)) return { kind: 'same' };
  const n = oldLines.length;
  const m = newLines.length;
  if (m < 0.8 * n || m > 1.5 * n + 20) {
    return { kind: 'not-whole', reason: `its code block has ${m} lines where the file has ${n}, so it is not the whole file` };
  }
  let prefix = 0;
  while (prefix < n && prefix < m && oldLines[prefix] === newLines[prefix]) prefix++;
  let suffix = 0;
  while (suffix < n - prefix && suffix < m - prefix && oldLines[n - 1 - suffix] === newLines[m - 1 - suffix]) suffix++;
  if (prefix + suffix < 0.5 * n) {
    return {
      kind: 'not-whole',
      reason: `its code block keeps only ${prefix + suffix} of the file's ${n} lines at the start and end, so it is not a safe whole-file rewrite`,
    };
  }
  const start = oldLines.slice(0, prefix).join('').length;
  const end = oldText.length - oldLines.slice(n - suffix).join('').length;
  return { kind: 'edit', edit: { start, end, newText: newLines.slice(prefix, m - suffix).join(''), blockIndex: 0 } };
}
