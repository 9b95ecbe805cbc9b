/**
 * A VS Code diagnostic as the protocol's FixDiagnostic (auto-fix, and the agent's
 * get_diagnostics), with the protocol's size limits.
 */
import * as vscode from 'vscode';
import type { DiagnosticSeverity, FixDiagnostic } from '../../protocol';

const severities: Record<vscode.DiagnosticSeverity, DiagnosticSeverity> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'information',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

export function toFixDiagnostic(d: vscode.Diagnostic): FixDiagnostic {
  const code = typeof d.code === 'object' ? d.code.value : d.code;
  return {
    message: d.message.slice(0, 10_000) || '(no message)',
    severity: severities[d.severity],
    ...(d.source ? { source: d.source.slice(0, 100) } : {}),
    ...(code !== undefined ? { code: typeof code === 'string' ? code.slice(0, 200) : code } : {}),
    range: {
      start: { line: d.range.start.line, character: d.range.start.character },
      end: { line: d.range.end.line, character: d.range.end.character },
    },
  };
}
