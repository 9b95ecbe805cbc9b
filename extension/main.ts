/**
 * Tandem's VS Code extension: builds the host (output channel, daemon client, UI mode),
 * activates every feature from one list, then connects to tandemd. Each feature is a
 * folder with one contribution (see contribution.ts and host.ts); adding one is a folder
 * plus a line in `contributions`.
 */
import type * as vscode from 'vscode';
import { agentContribution, type AgentCommand } from './agent/contribution';
import { chatContribution } from './chat/contribution';
import { completionContribution } from './completion/contribution';
import { ContributionSet } from './contribution';
import { commandsContribution, type CommandsCommand } from './commands/contribution';
import { editContribution } from './edit/contribution';
import { createHost, type ExtensionContribution } from './host';
import { inspectorContribution, type InspectorCommand } from './inspector/contribution';
import { nextEditContribution, type NextEditCommand } from './next-edit/contribution';
import { opsContribution, type OpsCommand } from './ops/contribution';
import { reportsContribution, type ReportsCommand } from './reports/contribution';
import { tandemdContribution, type TandemdCommand } from './tandemd/contribution';
import type { UiCommand } from './ui/commands';
import { uiContribution } from './ui/contribution';
import type { PaletteCommand } from './ui/ui-mode';

/** Activated in this order, disposed in reverse (completion and next edits flush their events before the client goes). */
const contributions: readonly ExtensionContribution[] = [
  tandemdContribution,
  completionContribution,
  nextEditContribution,
  uiContribution,
  inspectorContribution,
  reportsContribution,
  chatContribution,
  agentContribution,
  opsContribution,
  editContribution,
  commandsContribution,
];

// Every palette command (ui/ui-mode.ts) has a handler in one contribution: a missing one fails type-checking.
type AssertNever<T extends never> = T;
type _EveryPaletteCommandHandled = AssertNever<
  Exclude<
    PaletteCommand,
    UiCommand | TandemdCommand | ReportsCommand | InspectorCommand | OpsCommand | CommandsCommand | NextEditCommand | AgentCommand
  >
>;

let shutdown: (() => Promise<void>) | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const host = await createHost(context);
  const features = new ContributionSet(host.logger);
  let stopping: Promise<void> | undefined;
  shutdown = () =>
    (stopping ??= (async () => {
      await features.shutdown();
      host.client.dispose();
    })());
  context.subscriptions.push({ dispose: () => void shutdown?.() });
  await features.activate(contributions, host, context.subscriptions);
  void host.client.start();
}

export async function deactivate(): Promise<void> {
  const stop = shutdown;
  shutdown = undefined;
  await stop?.();
}
