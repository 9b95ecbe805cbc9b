/**
 * The reports feature: serves the read-only `tandem:` Markdown documents (the doctor
 * and other features write to them through the host's `reports`) and the expert
 * mode's reports: the raw request of the last completion, routing and backend health,
 * per-request timings.
 */
import * as vscode from 'vscode';
import type { ExtensionContribution, ExtensionHost } from '../host';
import type { PaletteCommand } from '../ui/ui-mode';
import { registerGuardedCommands, type CommandHandler } from '../vscode/commands';
import { backendHealthReport, rawRequestReport, timingsReport } from './reports';
import { REPORT_SCHEME } from './reports-view';

export type ReportsCommand = Extract<PaletteCommand, 'tandem.showRawPrompt' | 'tandem.showBackendHealth' | 'tandem.showRequestTimings'>;

function commands(host: ExtensionHost): Record<ReportsCommand, CommandHandler> {
  const { client, reports } = host;
  const requests = host.completions.requests;
  return {
    'tandem.showRawPrompt': () => reports.show('raw-prompt', rawRequestReport(requests.lastExchange)),
    'tandem.showBackendHealth': async () => {
      const status = client.manager.session ? await client.refreshStatus() : undefined;
      await reports.show('backend-health', backendHealthReport(status, client.effectiveSettings));
    },
    'tandem.showRequestTimings': () => reports.show('timings', timingsReport(requests.list())),
  };
}

export const reportsContribution: ExtensionContribution = {
  name: 'reports',
  activate: (host) =>
    vscode.Disposable.from(
      vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, host.reports),
      ...registerGuardedCommands(host.channel, commands(host)),
    ),
};
