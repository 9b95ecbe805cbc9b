/**
 * Which diagnostics a fix command targets, on plain protocol types:
 * - at the cursor: the problems whose range contains the cursor; if none, those on the
 *   cursor's line; most severe first;
 * - in a file: errors and warnings (information and hints only when there is nothing
 *   else), in document order, at most `MAX_FIX_DIAGNOSTICS`.
 * Pure.
 */
import type { DiagnosticSeverity, FixDiagnostic, Position, Range } from '../../protocol';

export const MAX_FIX_DIAGNOSTICS = 20;
const MAX_AT_CURSOR = 5;

const severityRank: Record<DiagnosticSeverity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export function rangeContains(range: Range, pos: Position): boolean {
  return comparePositions(range.start, pos) <= 0 && comparePositions(pos, range.end) <= 0;
}

function byPosition(a: FixDiagnostic, b: FixDiagnostic): number {
  return comparePositions(a.range.start, b.range.start) || severityRank[a.severity] - severityRank[b.severity];
}

function bySeverity(a: FixDiagnostic, b: FixDiagnostic): number {
  return severityRank[a.severity] - severityRank[b.severity] || byPosition(a, b);
}

/** Identical diagnostics (same range, message, source and code) reported twice count once. */
export function dedupe(diags: readonly FixDiagnostic[]): FixDiagnostic[] {
  const seen = new Set<string>();
  return diags.filter((d) => {
    const key = JSON.stringify([d.range, d.message, d.source ?? '', d.code ?? '']);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function diagnosticsAtCursor(diags: readonly FixDiagnostic[], cursor: Position): FixDiagnostic[] {
  const all = dedupe(diags);
  const containing = all.filter((d) => rangeContains(d.range, cursor));
  const picked =
    containing.length > 0 ? containing : all.filter((d) => d.range.start.line <= cursor.line && cursor.line <= d.range.end.line);
  return picked.sort(bySeverity).slice(0, MAX_AT_CURSOR);
}

export function diagnosticsForFile(diags: readonly FixDiagnostic[]): FixDiagnostic[] {
  const all = dedupe(diags);
  const serious = all.filter((d) => d.severity === 'error' || d.severity === 'warning');
  return (serious.length > 0 ? serious : all).sort(byPosition).slice(0, MAX_FIX_DIAGNOSTICS);
}
