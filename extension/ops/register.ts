/**
 * Operations in the editor: `Tandem: Show Stats` (the dashboard webview), `Tandem: Run
 * Doctor` (report + one-click fixes), and the plain-http warning when a backend URL
 * setting is saved. One call from main.ts.
 */
import * as vscode from 'vscode';
import type { TandemClient } from '../tandem-client';
import type { ReportsView } from '../vscode/reports-view';
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

export function registerOps(context: vscode.ExtensionContext, deps: OpsDeps): void {
  const { client, channel } = deps;
  const stats = new StatsPanel(context.extensionUri, { source: () => daemonStatsSource(client), log: (m) => channel.warn(m) });
  const guarded = (id: string, run: () => unknown) =>
    vscode.commands.registerCommand(id, async () => {
      try {
        await run();
      } catch (err) {
        channel.error(`${id} failed: ${(err as Error).message}`);
        void vscode.window.showErrorMessage(`Tandem: ${(err as Error).message}`);
      }
    });
  context.subscriptions.push(
    stats,
    guarded('tandem.showStats', () => stats.show()),
    guarded('tandem.runDoctor', () => runDoctor({ client, reports: deps.reports, log: channel })),
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
