/**
 * The inline completion provider of next edits: it answers only where the core shows a
 * next edit inline (an insertion at or just after the cursor), with an item whose range
 * runs from the cursor to the insertion point and whose command tells the core the
 * editor accepted it.
 */
import * as vscode from 'vscode';
import { documentPath } from '../completion/inline-provider';
import type { NextEditCore } from './core';

export const NEXT_EDIT_ACCEPTED_COMMAND = 'tandem.nextEdit.accepted';

export class NextEditInlineProvider implements vscode.InlineCompletionItemProvider {
  constructor(private readonly core: NextEditCore) {}

  provideInlineCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.InlineCompletionItem[] | undefined {
    const item = this.core.inlineAt(documentPath(document), { line: position.line, character: position.character });
    if (!item) return undefined;
    return [
      new vscode.InlineCompletionItem(item.text, new vscode.Range(item.line, item.startCharacter, item.line, item.endCharacter), {
        command: NEXT_EDIT_ACCEPTED_COMMAND,
        title: 'Accept Tandem next edit',
        arguments: [item.suggestionId],
      }),
    ];
  }
}
