/**
 * The "Why this suggestion?" inspector: a webview panel showing the last suggestion
 * and the daemon's context diagnostics for it (what was selected, compacted, dropped),
 * with links into the files it came from.
 */
import * as vscode from 'vscode';
import { ContextDiagnosticsRequest } from '../../protocol/messages/context';
import type { ExtensionContribution } from '../host';
import type { PaletteCommand } from '../ui/ui-mode';
import { registerGuardedCommands, type CommandHandler } from '../vscode/commands';
import { InspectorPanel } from './inspector-panel';

export type InspectorCommand = Extract<PaletteCommand, 'tandem.whyThisSuggestion'>;

export const inspectorContribution: ExtensionContribution = {
  name: 'inspector',
  activate(host) {
    const inspector = new InspectorPanel(host.context.extensionUri, {
      lastSuggestion: () => host.completions.lastSuggestion,
      diagnostics: (completionId) => host.client.connection.sendRequest(ContextDiagnosticsRequest.type, { completionId }),
      expert: () => host.mode() === 'expert',
      openFile: (root, file, line) => {
        const base = root ?? host.workspaceRoots()[0];
        if (!base) return;
        const uri = vscode.Uri.joinPath(vscode.Uri.file(base), file);
        void vscode.window.showTextDocument(uri, { selection: new vscode.Range(line - 1, 0, line - 1, 0), preview: true });
      },
    });
    const commands: Record<InspectorCommand, CommandHandler> = { 'tandem.whyThisSuggestion': () => inspector.show() };
    return vscode.Disposable.from(inspector, ...registerGuardedCommands(host.channel, commands));
  },
};
