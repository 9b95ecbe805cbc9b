/**
 * From an inline edit's answer to the region's new text, or refusals saying why not.
 * Pure; golden-tested.
 *
 * The prompt asks for the region's new text in one fenced code block. Models also
 * answer with search/replace blocks (the edit parser of daemon/edit/ reads them, and
 * every change must fall inside the region), or echo lines around the region or the
 * whole file inside the code block: the code is then aligned with the document, lines
 * the model only quoted are dropped, and a change to any line outside the region
 * refuses the answer (`outside_region`). An answer without a complete code block is
 * `malformed`; one that leaves the region as it was is `model_error`. A region the model
 * returned without its common indentation is re-indented; line endings follow the
 * document.
 */
import { diffArrays } from 'diff';
import type { RejectedEdit } from '../../protocol';
import { applyBlocks, offsetAt } from '../edit/apply';
import { parseEditResponse } from '../edit/format';

export interface InlineRegion {
  /** The whole document (BOM stripped). */
  text: string;
  /** 0-based inclusive lines of the region. */
  startLine: number;
  endLine: number;
  /** Short file name for messages. */
  file: string;
  path?: string;
}

export type InlineAnswer =
  { ok: true; proposal: string; explanation: string } | { ok: false; rejected: RejectedEdit[]; explanation: string };

export interface FencedBlock {
  /** Content lines, without the fences. */
  lines: string[];
  closed: boolean;
}

const FENCE_OPEN = /^\s*(`{3,}|~{3,})[^`]*$/;
const SEARCH_MARKER = /^\s*<{5,9}\s*SEARCH\s*$/i;

/** Fenced code blocks of an answer, and the prose outside them. */
export function fencedBlocks(answer: string): { blocks: FencedBlock[]; prose: string } {
  const lines = answer.replace(/\r\n?/g, '\n').split('\n');
  const blocks: FencedBlock[] = [];
  const prose: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE_OPEN.exec(lines[i]!);
    if (!open) {
      prose.push(lines[i]!);
      continue;
    }
    const fence = open[1]!;
    const content: string[] = [];
    let closed = false;
    for (i++; i < lines.length; i++) {
      const l = lines[i]!;
      if (l.trim().startsWith(fence[0]!.repeat(fence.length)) && l.trim().replace(new RegExp(`^\\${fence[0]}+`), '') === '') {
        closed = true;
        break;
      }
      content.push(l);
    }
    blocks.push({ lines: content, closed });
  }
  return { blocks, prose: prose.join('\n').trim() };
}

export function interpretInlineAnswer(answer: string, region: InlineRegion): InlineAnswer {
  const docLines = region.text.split('\n');
  const eol = docLines.length > 1 && docLines[0]!.endsWith('\r') ? '\r\n' : '\n';
  const plain = docLines.map((l) => l.replace(/\r$/, ''));
  const regionLines = plain.slice(region.startLine, region.endLine + 1);
  const where = `lines ${region.startLine + 1}-${region.endLine + 1} of ${region.file}`;
  const refuse = (kind: RejectedEdit['kind'], reason: string, explanation = ''): InlineAnswer => ({
    ok: false,
    rejected: [{ kind, reason, ...(region.path !== undefined ? { path: region.path } : {}) }],
    explanation,
  });
  const { blocks, prose } = fencedBlocks(answer);

  if (answer.split('\n').some((l) => SEARCH_MARKER.test(l))) return fromEditBlocks(answer, region, plain, eol, refuse);

  const block = blocks.find((b) => b.closed) ?? blocks[0];
  if (!block) {
    return answer.trim() === ''
      ? refuse('model_error', 'The model gave an empty answer, so there is nothing to apply.')
      : refuse('malformed', `The answer has no code block with the new text of ${where}, so nothing was applied.`, prose);
  }
  if (!block.closed) {
    return refuse('malformed', `The answer was cut off before its code block ended (the model stopped early); nothing was applied.`, prose);
  }
  const code = block.lines.map((l) => l.replace(/\r$/, ''));
  const aligned = alignWithDocument(code, plain, region.startLine, region.endLine);
  if (!aligned.ok)
    return refuse('outside_region', `The answer also changes ${aligned.outside}, outside ${where}; nothing was applied.`, prose);
  const proposed = reindent(aligned.lines, regionLines);
  if (proposed.join('\n') === regionLines.join('\n')) return refuse('model_error', `The answer leaves ${where} unchanged.`, prose);
  return { ok: true, proposal: proposed.join(eol), explanation: prose };
}

/** Search/replace blocks (or a diff) applied to the document; every edit must fall inside the region. */
function fromEditBlocks(
  answer: string,
  region: InlineRegion,
  plain: readonly string[],
  eol: string,
  refuse: (kind: RejectedEdit['kind'], reason: string, explanation?: string) => InlineAnswer,
): InlineAnswer {
  const parsed = parseEditResponse(answer);
  const where = `lines ${region.startLine + 1}-${region.endLine + 1} of ${region.file}`;
  if (parsed.problems.length > 0) return refuse('malformed', parsed.problems[0]!.reason, parsed.prose);
  if (parsed.blocks.length === 0) return refuse('malformed', `The answer has no usable edit for ${where}.`, parsed.prose);
  const applied = applyBlocks(region.text, parsed.blocks, { file: region.file });
  if (applied.failures.length > 0) {
    const f = applied.failures[0]!;
    return refuse(f.kind, f.reason, parsed.prose);
  }
  const start = offsetAt(region.text, { line: region.startLine, character: 0 });
  const end = offsetAt(region.text, {
    line: region.endLine,
    character: (region.text.split('\n')[region.endLine] ?? '').replace(/\r$/, '').length,
  });
  const outside = applied.edits.find((e) => e.start < start || e.end > end);
  if (outside) {
    const line = region.text.slice(0, outside.start).split('\n').length;
    return refuse('outside_region', `An edit of the answer changes line ${line}, outside ${where}; nothing was applied.`, parsed.prose);
  }
  const suffixLength = region.text.length - end;
  const proposal = applied.newText.slice(start, applied.newText.length - suffixLength);
  const lines = proposal.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines.join('\n') === plain.slice(region.startLine, region.endLine + 1).join('\n'))
    return refuse('model_error', `The answer leaves ${where} unchanged.`, parsed.prose);
  return { ok: true, proposal: lines.join(eol), explanation: parsed.prose };
}

/** A line worth aligning on: blank lines and lone brackets match anywhere. */
const significant = (l: string) => l.trim().length > 3;

/**
 * The code's lines for the region. When the code quotes lines around the region (at
 * least two significant lines outside it match the document, or it is as long as the
 * whole file), it is aligned with the
 * document: the part before and after the region must be unchanged (lines the model left
 * out at the file's start or end are fine), and what lies between is the region's text.
 */
export function alignWithDocument(
  code: readonly string[],
  doc: readonly string[],
  startLine: number,
  endLine: number,
): { ok: true; lines: string[] } | { ok: false; outside: string } {
  const parts = diffArrays(doc as string[], code as string[]);
  let quotedOutside = 0;
  let d = 0;
  for (const p of parts) {
    if (!p.added && !p.removed) {
      for (let k = 0; k < p.count; k++) if ((d + k < startLine || d + k > endLine) && significant(doc[d + k]!)) quotedOutside++;
    }
    if (!p.added) d += p.count;
  }
  // A block as long as the region plus every significant line around it is the whole file, even when those lines changed.
  const significantOutside = doc.filter((l, i) => (i < startLine || i > endLine) && significant(l)).length;
  const wholeFile = significantOutside > 0 && code.length >= endLine - startLine + 1 + significantOutside;
  if (quotedOutside < 2 && !wholeFile) return { ok: true, lines: [...code] };

  // Walk the diff: doc index d, code index c; changes must lie within [startLine, endLine + 1].
  d = 0;
  let c = 0;
  let codeStart: number | undefined;
  let codeEnd: number | undefined;
  const changed: number[] = [];
  for (const [i, p] of parts.entries()) {
    const next = parts[i + 1];
    const prev = parts[i - 1];
    if (p.removed) {
      // Lines missing at the file's very start or end were only left out (not replaced).
      const leadingOmission = i === 0 && d + p.count <= startLine && !next?.added;
      const trailingOmission = i === parts.length - 1 && d > endLine;
      if (!leadingOmission && !trailingOmission) {
        for (let k = 0; k < p.count; k++) if (d + k < startLine || d + k > endLine) changed.push(d + k);
      }
      if (codeStart === undefined && d + p.count > startLine) codeStart = c;
      d += p.count;
      continue;
    }
    if (p.added) {
      // A replacement outside the region was reported with its removed lines.
      const replacing = prev?.removed === true && changed.length > 0 && changed[changed.length - 1] === d - 1;
      if ((d < startLine || d > endLine + 1) && !replacing) changed.push(Math.min(d, doc.length - 1));
      if (codeStart === undefined && d >= startLine) codeStart = c;
      c += p.count;
      continue;
    }
    // Equal lines: where the region starts and ends in the code.
    for (let k = 0; k < p.count; k++) {
      if (d === startLine && codeStart === undefined) codeStart = c;
      if (d >= endLine + 1 && codeEnd === undefined) codeEnd = c;
      d++;
      c++;
    }
  }
  if (changed.length > 0) {
    const lines = [...new Set(changed)].slice(0, 3).map((l) => l + 1);
    return { ok: false, outside: lines.length === 1 ? `line ${lines[0]}` : `lines ${lines.join(', ')}` };
  }
  const from = codeStart ?? c;
  const to = codeEnd ?? c;
  return { ok: true, lines: code.slice(from, Math.max(from, to)) };
}

function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

/** When the region is indented and the proposal came back flush left, indent it like the region. */
export function reindent(proposal: readonly string[], region: readonly string[]): string[] {
  const nonEmpty = (ls: readonly string[]) => ls.filter((l) => l.trim() !== '');
  const regionIndents = nonEmpty(region).map(indentOf);
  if (regionIndents.length === 0) return [...proposal];
  const common = regionIndents.reduce((a, b) => (b.length < a.length ? b : a));
  if (common === '') return [...proposal];
  // Flush left means some line has no indentation at all: the model dropped the region's.
  if (!nonEmpty(proposal).some((l) => indentOf(l) === '')) return [...proposal];
  return proposal.map((l) => (l.trim() === '' ? l : common + l));
}

/**
 * Turns an inline edit's raw streamed answer into the code lines to show while it
 * streams: complete lines inside the first fenced block, nothing else. Search/replace
 * markers stop it (the final result says what the blocks do).
 */
export class CodeLineStream {
  private buffer = '';
  private state: 'before' | 'code' | 'done' = 'before';
  private fence = '';

  /** Feed a raw delta; returns the code lines it completed ("" or lines each ending in "\n"). */
  push(delta: string): string {
    this.buffer += delta.replace(/\r/g, '');
    let out = '';
    for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      out += this.line(line);
    }
    return out;
  }

  private line(line: string): string {
    if (this.state === 'done') return '';
    if (SEARCH_MARKER.test(line)) {
      this.state = 'done';
      return '';
    }
    if (this.state === 'before') {
      const open = FENCE_OPEN.exec(line);
      if (open) {
        this.state = 'code';
        this.fence = open[1]!;
      }
      return '';
    }
    const t = line.trim();
    if (t.length >= this.fence.length && t === this.fence[0]!.repeat(t.length)) {
      this.state = 'done';
      return '';
    }
    return `${line}\n`;
  }
}
