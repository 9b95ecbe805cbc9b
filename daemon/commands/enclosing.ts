/**
 * What a command acts on when nothing is selected: the innermost declaration around a
 * line (functions and methods before the classes holding them), from the syntax layer
 * (tree-sitter where the language has a grammar, its heuristic parser otherwise), else
 * the block of lines around it by indentation, else the line itself. Ranges are whole
 * lines. `enclosingRange` is pure once the grammar is loaded; `findEnclosing` loads it.
 */
import type { EnclosingKind, Range } from '../../protocol';
import { analyzeFile } from '../context/syntax/analyze';
import { grammarFor, loadGrammar } from '../context/syntax/grammars';
import type { Definition } from '../context/syntax/types';

export interface Enclosing {
  /** 0-based inclusive lines. */
  startLine: number;
  endLine: number;
  kind: EnclosingKind;
  name?: string;
  parser: string;
}

/** Declarations that make a good unit to edit, test or explain, the most specific first. */
const PREFERRED: ReadonlyArray<Definition['kind']> = ['function', 'method'];
/** Declarations too small to stand alone: a cursor on a field edits its class or block instead. */
const TOO_SMALL: ReadonlySet<Definition['kind']> = new Set(['field', 'variable', 'constant']);

export async function findEnclosing(text: string, languageId: string, line: number): Promise<Enclosing> {
  const grammar = grammarFor(languageId);
  if (grammar) await loadGrammar(grammar);
  return enclosingRange(text, languageId, line);
}

export function enclosingRange(text: string, languageId: string, line: number): Enclosing {
  const lines = text.split('\n');
  const at = Math.min(Math.max(0, line), lines.length - 1);
  const { syntax } = analyzeFile(text, languageId, { maxLines: 200, maxChars: 8000 });
  const around = syntax.definitions.filter((d) => d.startLine - 1 <= at && at <= d.endLine - 1 && d.endLine >= d.startLine);
  const span = (d: Definition) => d.endLine - d.startLine;
  const smallest = (defs: Definition[]) => [...defs].sort((a, b) => span(a) - span(b))[0];
  // A function declared on one line (an arrow assigned to a const, say) still counts: only multi-line "small" kinds are skipped.
  const best =
    smallest(around.filter((d) => PREFERRED.includes(d.kind))) ??
    smallest(around.filter((d) => !TOO_SMALL.has(d.kind) || d.endLine > d.startLine + 1));
  if (best) {
    return {
      startLine: best.startLine - 1,
      endLine: Math.min(lines.length - 1, best.endLine - 1),
      kind: best.kind,
      name: best.name,
      parser: syntax.parser,
    };
  }
  const block = indentationBlock(lines, at);
  return { ...block, parser: syntax.parser };
}

/**
 * The lines around `at` at its indentation or deeper, bounded by blank lines at the
 * outermost level: a statement with its nested body, or a paragraph of top-level code.
 */
export function indentationBlock(lines: readonly string[], at: number): { startLine: number; endLine: number; kind: 'block' | 'line' } {
  const blank = (i: number) => (lines[i] ?? '').trim() === '';
  const indent = (i: number) => /^[ \t]*/.exec(lines[i] ?? '')![0].replace(/\t/g, '    ').length;
  let anchor = at;
  // On a blank line: the next non-blank line below, else above.
  while (anchor < lines.length && blank(anchor)) anchor++;
  if (anchor >= lines.length) {
    anchor = at;
    while (anchor >= 0 && blank(anchor)) anchor--;
    if (anchor < 0) return { startLine: at, endLine: at, kind: 'line' };
  }
  const level = indent(anchor);
  let start = anchor;
  while (start > 0 && !blank(start - 1) && indent(start - 1) >= level) start--;
  let end = anchor;
  for (let i = anchor + 1; i < lines.length; i++) {
    if (blank(i)) {
      // A blank line ends a top-level paragraph; inside a body (or before a deeper line) it does not.
      let next = i;
      while (next < lines.length && blank(next)) next++;
      if (next < lines.length && (indent(next) > level || (level > 0 && indent(next) >= level))) {
        end = next;
        i = next;
        continue;
      }
      break;
    }
    if (indent(i) < level) break;
    // A closing line at the block's own level (`}`, `end`, `)`) belongs to it; a new statement at that level does too.
    end = i;
  }
  return start === end ? { startLine: start, endLine: end, kind: 'line' } : { startLine: start, endLine: end, kind: 'block' };
}

/** The whole-line range of lines `startLine`..`endLine` of `text`. */
export function wholeLineRange(text: string, startLine: number, endLine: number): Range {
  const lines = text.split('\n');
  const last = lines[endLine] ?? '';
  return { start: { line: startLine, character: 0 }, end: { line: endLine, character: last.replace(/\r$/, '').length } };
}
