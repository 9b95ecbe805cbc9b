/**
 * The VS Code side of inline completions: document → CompletionInput, Suggestion →
 * InlineCompletionItem (with the accept command carrying the completionId), and the
 * tracker told what was shown. Everything else happens in CompletionCore.
 */
import * as vscode from 'vscode';
import type { CompletionCore, CompletionInput, Suggestion } from './completion-core';
import type { SuggestionTracker } from '../tracking/suggestion-tracker';

export const SUPPORTED_SCHEMES = ['file', 'untitled'] as const;
export const ACCEPT_COMMAND = 'tandem.completion.accepted';

export interface InlineProviderHooks {
  /** `tandem.enable` for the language (with per-language overrides). */
  enabled(languageId: string): boolean;
  connected(): boolean;
  onSuggestion(suggestion: Suggestion, document: vscode.TextDocument): void;
  onError(err: unknown): void;
  /** Another suggestion (a next edit's inline item) has this position: no completion there. */
  yields?(path: string, line: number, character: number): boolean;
}

export function documentPath(document: vscode.TextDocument): string {
  return document.uri.scheme === 'file' ? document.uri.fsPath : document.uri.toString();
}

/** The completion input at a position of a document (the whole text: CompletionCore clips it). */
export function inputAt(document: vscode.TextDocument, position: vscode.Position): Omit<CompletionInput, 'explicit'> {
  const text = document.getText();
  const offset = document.offsetAt(position);
  const folder = vscode.workspace.getWorkspaceFolder(document.uri);
  return {
    path: documentPath(document),
    languageId: document.languageId,
    workspaceRoot: folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined,
    prefix: text.slice(0, offset),
    suffix: text.slice(offset),
    line: position.line,
    character: position.character,
  };
}

export class TandemInlineProvider implements vscode.InlineCompletionItemProvider {
  constructor(
    private readonly core: CompletionCore,
    private readonly tracker: SuggestionTracker,
    private readonly hooks: InlineProviderHooks,
  ) {}

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    if (!this.hooks.enabled(document.languageId) || !this.hooks.connected()) return undefined;
    // While the suggest widget is open, its item has priority; ours would not be shown.
    if (context.selectedCompletionInfo) return undefined;
    const path = documentPath(document);
    if (this.hooks.yields?.(path, position.line, position.character)) return undefined;
    const offset = document.offsetAt(position);
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    let suggestion: Suggestion | undefined;
    try {
      suggestion = await this.core.provide(
        { ...inputAt(document, position), explicit: context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke },
        abort.signal,
      );
    } catch (err) {
      this.hooks.onError(err);
      return undefined;
    } finally {
      sub.dispose();
    }
    if (!suggestion || token.isCancellationRequested) return undefined;
    this.tracker.shown({
      completionId: suggestion.completionId,
      model: suggestion.model,
      backend: suggestion.backend,
      languageId: document.languageId,
      path,
      anchorOffset: offset,
      text: suggestion.text,
      firstTokenMs: suggestion.timings.firstTokenMs,
      totalMs: suggestion.timings.totalMs,
      overheadMs: suggestion.overheadMs,
      multiline: suggestion.multiline,
      includeText: true,
    });
    this.hooks.onSuggestion(suggestion, document);
    const item = new vscode.InlineCompletionItem(suggestion.text, new vscode.Range(position, position), {
      command: ACCEPT_COMMAND,
      title: 'Accept Tandem suggestion',
      arguments: [suggestion.completionId],
    });
    return [item];
  }
}
