/**
 * Operations in the editor: `Tandem: Show Stats` (the dashboard webview), `Tandem: Run
 * Doctor` (report + one-click fixes), and the plain-http warning when a backend URL
 * setting is saved. One contribution in main.ts's list.
 */
import * as vscode from 'vscode';
import type { ExtensionContribution } from '../host';
import type { TandemClient } from '../tandem-client';
import type { PaletteCommand } from '../ui/ui-mode';
import { registerGuardedCommands, type CommandHandler } from '../vscode/commands';
import type { ReportsView } from '../reports/reports-view';
import { daemonStatsSource } from './daemon-source';
import { runDoctor } from './doctor';
import { StatsPanel } from './stats-panel';
import { insecureUrlWarning } from './url-safety';

export interface OpsDeps {
  client: TandemClient;
  channel: vscode.LogOutputChannel;
  reports: ReportsView;
}

const URL_SETTINGS = ['ollamaUrl', 'remoteUrl'] as const;

export type OpsCommand = Extract<PaletteCommand, 'tandem.showStats' | 'tandem.runDoctor'>;

export const opsContribution: ExtensionContribution = {
  name: 'ops',
  activate: (host) => activateOps(host.context, { client: host.client, channel: host.channel, reports: host.reports }),
};

function activateOps(context: vscode.ExtensionContext, deps: OpsDeps): vscode.Disposable {
  const { client, channel } = deps;
  const stats = new StatsPanel(context.extensionUri, { source: () => daemonStatsSource(client), log: (m) => channel.warn(m) });
  const commands: Record<OpsCommand, CommandHandler> = {
    'tandem.showStats': () => stats.show(),
    'tandem.runDoctor': () => runDoctor({ client, reports: deps.reports, log: channel }),
  };
  return vscode.Disposable.from(
    stats,
    ...registerGuardedCommands(channel, commands),
    vscode.workspace.onDidChangeConfiguration((e) => {
      for (const key of URL_SETTINGS) {
        if (!e.affectsConfiguration(`tandem.${key}`)) continue;
        const warning = insecureUrlWarning(`tandem.${key}`, vscode.workspace.getConfiguration('tandem').get<string>(key) ?? '');
        if (!warning) continue;
        channel.warn(warning);
        void vscode.window.showWarningMessage(`Tandem: ${warning}`, 'Open Settings').then((a) => {
          if (a) void vscode.commands.executeCommand('workbench.action.openSettings', `tandem.${key}`);
        });
      }
    }),
  );
}
