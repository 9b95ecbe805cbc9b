/**
 * The status bar menu and the UI mode picker.
 */
import * as vscode from 'vscode';
import { commandIcons, commandTitles } from './command-catalog';
import { modeDescriptions, surfaceFor, UiModes, type PaletteCommand, type UiMode } from './ui-mode';

export async function pickUiMode(current: UiMode): Promise<UiMode | undefined> {
  const items = UiModes.map((mode) => ({
    label: `${mode === current ? '$(check) ' : ''}${mode[0].toUpperCase()}${mode.slice(1)}`,
    description: modeDescriptions[mode],
    mode,
  }));
  const picked = await vscode.window.showQuickPick(items, { title: 'Tandem: UI Mode', placeHolder: `Current: ${current}` });
  return picked?.mode;
}

export async function showMenu(mode: UiMode, header: string): Promise<void> {
  const items: Array<vscode.QuickPickItem & { command?: PaletteCommand }> = [
    { label: header, kind: vscode.QuickPickItemKind.Separator },
    ...surfaceFor(mode).menu.map((command) => ({
      label: `${commandIcons[command] ? `$(${commandIcons[command]}) ` : ''}${commandTitles[command]}`,
      command,
    })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: `Tandem (${mode} mode)` });
  if (picked?.command) await vscode.commands.executeCommand(picked.command);
}
