/**
 * The document as a next-edit request carries it: some of its lines around the cursor,
 * where they sit in the whole document, and the cursor. Region and window choices are
 * line ranges in document coordinates (end exclusive), clamped to what was sent.
 */
import { ErrorCodes, TandemError, type NextEditRequest, type z } from '../../protocol';

export type NextEditParams = z.output<typeof NextEditRequest.params>;

export interface LineRange {
  /** First document line (0-based). */
  startLine: number;
  /** One past the last document line. */
  endLine: number;
}

export class Excerpt {
  readonly lines: string[];
  readonly startLine: number;
  readonly lineCount: number;
  readonly line: number;
  readonly character: number;

  constructor(doc: NextEditParams['document']) {
    this.lines = doc.text.split('\n');
    this.startLine = doc.startLine;
    this.lineCount = Math.max(doc.lineCount, doc.startLine + this.lines.length);
    this.line = doc.line;
    this.character = doc.character;
    const at = this.lines[doc.line - doc.startLine];
    if (at === undefined || doc.character > at.length) {
      throw new TandemError(
        ErrorCodes.InvalidParams,
        `The cursor (line ${doc.line + 1}, column ${doc.character + 1}) is outside the text sent (lines ${doc.startLine + 1}–${doc.startLine + this.lines.length}).`,
      );
    }
  }

  /** One past the last document line the excerpt holds. */
  get endLine(): number {
    return this.startLine + this.lines.length;
  }

  /** The excerpt starts at the top of the file / ends at its bottom. */
  get atFileStart(): boolean {
    return this.startLine === 0;
  }

  get atFileEnd(): boolean {
    return this.endLine >= this.lineCount;
  }

  lineText(docLine: number): string {
    return this.lines[docLine - this.startLine] ?? '';
  }

  /** Lines of a range, joined with `\n` (no trailing newline). */
  text(range: LineRange): string {
    return this.lines.slice(range.startLine - this.startLine, range.endLine - this.startLine).join('\n');
  }

  /** `above` lines before the cursor line and `below` after it, clamped to the excerpt. */
  around(above: number, below: number): LineRange {
    return this.clamp({ startLine: this.line - above, endLine: this.line + below + 1 });
  }

  clamp(range: LineRange): LineRange {
    const startLine = Math.max(this.startLine, Math.min(range.startLine, this.line));
    const endLine = Math.min(this.endLine, Math.max(range.endLine, this.line + 1));
    return { startLine, endLine };
  }

  /** Offset of the cursor within `text(range)` (the range holds the cursor line). */
  cursorOffsetIn(range: LineRange): number {
    let offset = 0;
    for (let l = range.startLine; l < this.line; l++) offset += this.lineText(l).length + 1;
    return offset + this.character;
  }
}
