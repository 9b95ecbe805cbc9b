/**
 * From the model's rewrite of the editable region to the minimal replacements that turn
 * the region into it (changed line blocks from jsdiff, each narrowed to the characters
 * that differ), and the refusals that look at the result: nothing changes, the whole
 * region goes, or it undoes the user's last edit. Pure.
 */
import { diffArrays } from 'diff';
import type { NextEditHunk, NextEditPosition, NextEditRefusal, NextEditReplacement } from '../../protocol';

/** A replacement as offsets into the region's text. */
interface Span {
  start: number;
  end: number;
  text: string;
}

/** Offsets in `text` of the start of each line, plus one past the end. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  starts.push(text.length + 1);
  return starts;
}

/**
 * The minimal spans turning `old` into `next` (both `\n`-joined lines): jsdiff's changed
 * line blocks, each narrowed to the characters that differ. Computed on both texts with a
 * newline appended, so every line ends in one; a span that reaches that extra newline is
 * then moved onto the real text (an insertion after the last line starts with a newline,
 * a deletion of the last line takes the newline before it).
 */
export function diffSpans(old: string, next: string): Span[] {
  if (old === next) return [];
  const o = `${old}\n`;
  const n = `${next}\n`;
  const so = lineStarts(o);
  const sn = lineStarts(n);
  const spans: Span[] = [];
  let i = 0;
  let j = 0;
  let pending: { i0: number; j0: number } | undefined;
  const flush = () => {
    if (!pending) return;
    const { i0, j0 } = pending;
    pending = undefined;
    // As many lines in as out: line by line, so a rename on two lines is two small replacements.
    const pairs = i - i0 === j - j0 ? i - i0 : 1;
    for (let k = 0; k < pairs; k++) {
      const last = k === pairs - 1;
      narrow(so[i0 + k], last ? so[i] : so[i0 + k + 1], n.slice(sn[j0 + k], last ? sn[j] : sn[j0 + k + 1]));
    }
  };
  const narrow = (start: number, end: number, text: string) => {
    let head = 0;
    while (head < end - start && head < text.length && o[start + head] === text[head]) head++;
    let tail = 0;
    while (tail < end - start - head && tail < text.length - head && o[end - 1 - tail] === text[text.length - 1 - tail]) tail++;
    start += head;
    end -= tail;
    text = text.slice(head, text.length - tail);
    if (start === end && text === '') return;
    if (end > old.length) {
      if (text.endsWith('\n')) {
        text = text.slice(0, -1);
        end -= 1;
        if (start > end) {
          start = end;
          text = `\n${text}`;
        }
      } else {
        start = Math.max(0, start - 1);
        end -= 1;
      }
    }
    if (start !== end || text !== '') spans.push({ start, end, text });
  };
  for (const part of diffArrays(old.split('\n'), next.split('\n'))) {
    const count = part.count ?? part.value.length;
    if (!part.added && !part.removed) {
      flush();
      i += count;
      j += count;
      continue;
    }
    pending ??= { i0: i, j0: j };
    if (part.removed) i += count;
    else j += count;
  }
  flush();
  return spans;
}

function position(starts: number[], offset: number, firstLine: number): NextEditPosition {
  let line = 0;
  while (line + 1 < starts.length - 1 && starts[line + 1] <= offset) line++;
  return { line: firstLine + line, character: offset - starts[line] };
}

/** Spans of the region text as document replacements (the region starts at `regionStartLine`, column 0). */
export function toReplacements(regionText: string, spans: Span[], regionStartLine: number): NextEditReplacement[] {
  const starts = lineStarts(regionText);
  return spans.map((s) => ({
    start: position(starts, s.start, regionStartLine),
    end: position(starts, s.end, regionStartLine),
    text: s.text,
  }));
}

/** Apply spans (sorted, non-overlapping) to a text. */
export function applySpans(text: string, spans: readonly Span[]): string {
  let out = '';
  let from = 0;
  for (const s of spans) {
    out += text.slice(from, s.start) + s.text;
    from = s.end;
  }
  return out + text.slice(from);
}

/** Where `offset` of the old text lands in the new one; inside a span, its start (`side: 'start'`) or end. */
function mapOffset(offset: number, spans: readonly Span[], side: 'start' | 'end'): number {
  let delta = 0;
  for (const s of spans) {
    if (s.end <= offset && !(s.start === s.end && s.start === offset && side === 'start')) {
      delta += s.text.length - (s.end - s.start);
      continue;
    }
    if (s.start < offset) return side === 'start' ? s.start + delta : s.start + delta + s.text.length;
    break;
  }
  return offset + delta;
}

/**
 * Applying `spans` to the region would put back what the user's last edit replaced: the
 * lines the edit left (`after`, at `startLine`) would read its `before` again.
 */
export function undoesLastEdit(
  regionText: string,
  regionStartLine: number,
  spans: readonly Span[],
  last: NextEditHunk | undefined,
): boolean {
  if (!last || last.before === last.after || spans.length === 0) return false;
  const starts = lineStarts(regionText);
  const first = last.startLine - regionStartLine;
  const count = last.after.split('\n').length;
  if (first < 0 || first + count > starts.length - 1) return false;
  const a = starts[first];
  const b = Math.min(starts[first + count] - 1, regionText.length);
  if (regionText.slice(a, b) !== last.after) return false;
  const next = applySpans(regionText, spans);
  return next.slice(mapOffset(a, spans, 'start'), mapOffset(b, spans, 'end')) === last.before;
}

export type RegionVerdict = { edits: NextEditReplacement[] } | { refusal: NextEditRefusal };

/** Lines with text a region needs before a rewrite keeping fewer than half of them counts as too large. */
const TOO_LARGE_MIN_LINES = 4;

/** The rewrite keeps fewer than half of the region's lines with text: a rewrite of the region, not an edit of it. */
export function replacesMost(regionText: string, rewrite: string): boolean {
  const old = regionText.split('\n');
  const filled = old.filter((l) => l.trim() !== '').length;
  if (filled < TOO_LARGE_MIN_LINES) return false;
  let kept = 0;
  for (const part of diffArrays(old, rewrite.split('\n')))
    if (!part.added && !part.removed) kept += part.value.filter((l) => l.trim() !== '').length;
  return kept * 2 < filled;
}

/** The replacements for a rewrite of the region, or why it is refused. */
export function judgeRewrite(regionText: string, rewrite: string, regionStartLine: number, last: NextEditHunk | undefined): RegionVerdict {
  if (rewrite === regionText) return { refusal: 'no_change' };
  if (rewrite.trim() === '' && regionText.trim() !== '') return { refusal: 'empty' };
  if (replacesMost(regionText, rewrite)) return { refusal: 'too_large' };
  const spans = diffSpans(regionText, rewrite);
  if (spans.length === 0) return { refusal: 'no_change' };
  if (undoesLastEdit(regionText, regionStartLine, spans, last)) return { refusal: 'undo' };
  return { edits: toReplacements(regionText, spans, regionStartLine) };
}
