/**
 * The active editor's document as a next-edit request needs it: the lines around the
 * cursor (`excerpt.ts` chooses them), the visible ranges, the workspace folder and the
 * diagnostics on those lines.
 */
import * as vscode from 'vscode';
import type { NextEditDiagnostic } from '../../protocol';
import { documentPath } from '../completion/inline-provider';
import type { DocumentSnapshot } from './core';
import { excerptRange } from './excerpt';

const severities: Record<vscode.DiagnosticSeverity, NextEditDiagnostic['severity']> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'info',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

/** Diagnostics of a document within lines `from`…`to` (exclusive), at most `max`. */
function diagnosticsOf(uri: vscode.Uri, from: number, to: number, max = 50): NextEditDiagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.range.end.line >= from && d.range.start.line < to)
    .slice(0, max)
    .map((d) => ({
      line: d.range.start.line,
      character: d.range.start.character,
      endLine: d.range.end.line,
      endCharacter: d.range.end.character,
      severity: severities[d.severity],
      message: d.message.slice(0, 2_000),
      ...(d.source ? { source: d.source.slice(0, 100) } : {}),
    }));
}

export function snapshotOf(editor: vscode.TextEditor): DocumentSnapshot {
  const document = editor.document;
  const cursor = editor.selection.active;
  const { startLine, endLine } = excerptRange(document.lineCount, cursor.line, (l) => document.lineAt(l).text.length);
  const lines: string[] = [];
  for (let l = startLine; l < endLine; l++) lines.push(document.lineAt(l).text);
  const folder = vscode.workspace.getWorkspaceFolder(document.uri);
  return {
    path: documentPath(document),
    languageId: document.languageId,
    version: document.version,
    lineCount: document.lineCount,
    cursor: { line: cursor.line, character: cursor.character },
    text: lines.join('\n'),
    startLine,
    visible: editor.visibleRanges.map((r) => ({ startLine: r.start.line, endLine: r.end.line })),
    ...(folder?.uri.scheme === 'file' ? { workspaceRoot: folder.uri.fsPath } : {}),
    diagnostics: diagnosticsOf(document.uri, startLine, endLine),
    lineText: (line) => (line >= 0 && line < document.lineCount ? document.lineAt(line).text : ''),
  };
}
