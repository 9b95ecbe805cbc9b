/**
 * The status bar feature: the status bar item and the Explorer view (both re-rendered
 * from the pure status models whenever the connection, the daemon's status, the last
 * suggestion, the editor or the settings change), the UI mode's context key, and the
 * menu and settings commands.
 */
import * as vscode from 'vscode';
import type { ExtensionContribution, ExtensionHost } from '../host';
import { registerGuardedCommands } from '../vscode/commands';
import { applyModeContextKey, currentSettings, enabledFor } from '../vscode/config';
import { uiCommands } from './commands';
import { StatusBar } from './status-bar';
import { statusView, type StatusInputs } from './status-model';
import { StatusTreeProvider } from './status-view';

function statusInputs(host: ExtensionHost): StatusInputs {
  const { client } = host;
  const editor = vscode.window.activeTextEditor;
  const last = host.completions.requests.last;
  const s = client.state;
  return {
    mode: host.mode(),
    enabled: currentSettings().enable && enabledFor(editor?.document.languageId),
    connection: s.kind,
    status: client.status,
    model: client.effectiveSettings?.models.complete,
    last: last ? { backend: last.backend, model: last.model, totalMs: last.totalMs } : undefined,
    connectionError: s.kind === 'failed' ? s.message : s.kind === 'waiting' ? s.lastError : undefined,
  };
}

export const uiContribution: ExtensionContribution = {
  name: 'ui',
  async activate(host) {
    const { client } = host;
    const statusBar = new StatusBar();
    const tree = new StatusTreeProvider();
    const refresh = () => {
      statusBar.update(statusInputs(host));
      tree.update({
        mode: host.mode(),
        connected: client.manager.session !== undefined,
        status: client.status,
        models: client.effectiveSettings?.models,
        last: host.completions.requests.last,
      });
    };
    const statusText = () => statusView(statusInputs(host)).text.replace(/\$\([^)]+\)\s*/g, '');

    const disposable = vscode.Disposable.from(
      statusBar,
      tree,
      vscode.window.registerTreeDataProvider('tandem.statusView', tree),
      ...registerGuardedCommands(host.channel, uiCommands({ client, statusText })),
      host.onDidChangeMode((mode) => {
        void applyModeContextKey(mode);
        host.logger.info(`UI mode: ${mode}`);
      }),
      host.completions.onDidShow(refresh),
      client.onStatus(refresh),
      client.onSettingsApplied(refresh),
      client.manager.onDidChangeState(refresh),
      vscode.window.onDidChangeActiveTextEditor(refresh),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('tandem')) refresh();
      }),
    );
    await applyModeContextKey(host.mode());
    refresh();
    return disposable;
  },
};
