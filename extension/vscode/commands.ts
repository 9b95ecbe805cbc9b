/**
 * Registering palette commands the same way in every feature: a failing command is
 * logged to the Tandem channel and shown once as an error message, never thrown into
 * VS Code. Mode visibility is in package.json `when` clauses.
 */
import * as vscode from 'vscode';
import type { PaletteCommand } from '../ui/ui-mode';

export type CommandHandler = (...args: unknown[]) => unknown;

export function registerGuardedCommands(
  channel: vscode.LogOutputChannel,
  handlers: Partial<Record<PaletteCommand, CommandHandler>>,
): vscode.Disposable[] {
  return Object.entries(handlers).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        await handler(...args);
      } catch (err) {
        channel.error(`${id} failed: ${(err as Error).message}`);
        void vscode.window.showErrorMessage(`Tandem: ${(err as Error).message}`);
      }
    }),
  );
}
