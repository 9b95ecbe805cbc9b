/**
 * The daemon feature: the daemon's log lines in the Tandem channel, one clear message
 * when the connection fails for good (with "Show Logs" and "Restart Daemon"), settings
 * and workspace folders sent to the daemon when they change, and the commands Show
 * Logs, Restart Daemon and Set Remote Backend Token. The client itself is built by
 * client.ts before any feature activates.
 */
import * as vscode from 'vscode';
import { ShutdownRequest } from '../../protocol';
import type { ExtensionContribution, ExtensionHost } from '../host';
import { validateUrlSetting } from '../settings';
import type { PaletteCommand } from '../ui/ui-mode';
import { registerGuardedCommands, type CommandHandler } from '../vscode/commands';
import { currentSettings } from '../vscode/config';
import { logDaemonLine } from '../vscode/output';
import { REMOTE_TOKEN_SECRET } from './client';

const BACKEND_SETTINGS = ['tandem.ollamaUrl', 'tandem.remoteUrl', 'tandem.remoteKind', 'tandem.models'];

export type TandemdCommand = Extract<PaletteCommand, 'tandem.showLogs' | 'tandem.restartDaemon' | 'tandem.setRemoteToken'>;

function commands(host: ExtensionHost): Record<TandemdCommand, CommandHandler> {
  const { client, channel } = host;
  return {
    'tandem.showLogs': () => channel.show(true),
    'tandem.restartDaemon': async () => {
      channel.info('restarting tandemd on request');
      const session = client.manager.session;
      if (session) {
        try {
          await session.connection.sendRequest(ShutdownRequest.type);
        } catch (err) {
          channel.warn(`shutdown request failed: ${(err as Error).message}`);
        }
      }
      await client.manager.reconnect();
    },
    'tandem.setRemoteToken': async () => {
      const token = await vscode.window.showInputBox({
        title: 'Token for the remote backend (sent as "Authorization: Bearer …"; stored in VS Code SecretStorage)',
        password: true,
        placeHolder: 'Leave empty to remove the token',
      });
      if (token === undefined) return;
      if (token === '') await host.context.secrets.delete(REMOTE_TOKEN_SECRET);
      else await host.context.secrets.store(REMOTE_TOKEN_SECRET, token);
      await host.setRemoteToken(token === '' ? undefined : token);
    },
  };
}

/** Backend settings changed: warn about a malformed URL, then send the settings (the daemon validates them again). */
function backendSettingsChanged(host: ExtensionHost): void {
  const s = currentSettings();
  for (const [key, value] of [
    ['ollamaUrl', s.ollamaUrl],
    ['remoteUrl', s.remoteUrl],
  ] as const) {
    const problem = validateUrlSetting(key, value);
    if (problem) void vscode.window.showWarningMessage(`Tandem: ${problem}`);
  }
  void host.client.updateSettings();
}

export const tandemdContribution: ExtensionContribution = {
  name: 'tandemd',
  activate(host) {
    const { client, channel, logger } = host;
    let failureShown = false;
    return vscode.Disposable.from(
      ...registerGuardedCommands(channel, commands(host)),
      client.onDaemonLog((line) => logDaemonLine(channel, line)),
      client.onSettingsRejected(
        (err) =>
          void vscode.window
            .showWarningMessage(`Tandem: tandemd refused the settings: ${err.message}`, 'Show Logs')
            .then((a) => a && channel.show(true)),
      ),
      // The client reports each refused folder once per window, not on every reconnect.
      client.onRootsRefused((refused) => {
        for (const { root, message } of refused) {
          logger.warn(`workspace folder ${root} is not indexed: ${message}`);
          void vscode.window.showWarningMessage(`Tandem: ${message}`);
        }
      }),
      client.manager.onDidChangeState((state) => {
        if (state.kind === 'connected') failureShown = false;
        if (state.kind === 'failed' && !failureShown) {
          failureShown = true;
          void vscode.window.showErrorMessage(`Tandem: ${state.message}`, 'Show Logs', 'Restart Daemon').then((action) => {
            if (action === 'Show Logs') channel.show(true);
            if (action === 'Restart Daemon') void vscode.commands.executeCommand('tandem.restartDaemon');
          });
        }
      }),
      vscode.workspace.onDidChangeWorkspaceFolders((e) => {
        const added = e.added.filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
        void client
          .registerRoots(added)
          .catch((err: unknown) => logger.warn(`registering workspace roots failed: ${(err as Error).message}`));
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (BACKEND_SETTINGS.some((key) => e.affectsConfiguration(key))) backendSettingsChanged(host);
        if (e.affectsConfiguration('tandem.daemon.nodePath'))
          logger.info('tandem.daemon.nodePath changed; it applies the next time tandemd starts ("Tandem: Restart Daemon").');
      }),
    );
  },
};
