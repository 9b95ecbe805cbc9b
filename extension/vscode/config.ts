/**
 * Reading and writing `tandem.*` settings through the VS Code configuration API.
 */
import * as vscode from 'vscode';
import { isUserSet, readSettings, SETTINGS_SECTION, type TandemSettings } from '../settings';
import { isUiMode, UI_MODE_CONTEXT_KEY, type UiMode } from '../ui/ui-mode';

export function currentSettings(): TandemSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  return readSettings(
    (key) => config.get(key),
    (key) => isUserSet(config.inspect(key)),
  );
}

/** `tandem.enable` for a language, honouring `"[lang]": { "tandem.enable": … }` overrides. */
export function enabledFor(languageId: string | undefined): boolean {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, languageId ? { languageId } : undefined);
  return config.get<boolean>('enable') ?? true;
}

/** `tandem.nextEdit.enable` for a language (per-language overrides as for `tandem.enable`). */
export function nextEditEnabledFor(languageId: string | undefined): boolean {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, languageId ? { languageId } : undefined);
  return config.get<boolean>('nextEdit.enable') ?? true;
}

export function currentMode(): UiMode {
  return currentSettings().uiMode;
}

/** Write a setting where it is currently defined (a workspace value would shadow a global write). */
export async function updateSetting(key: string, value: unknown): Promise<void> {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const inspected = config.inspect(key);
  const target =
    inspected?.workspaceFolderValue !== undefined
      ? vscode.ConfigurationTarget.WorkspaceFolder
      : inspected?.workspaceValue !== undefined
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
  await config.update(key, value, target);
}

export async function setMode(mode: UiMode): Promise<void> {
  if (!isUiMode(mode)) return;
  await updateSetting('uiMode', mode);
}

export async function applyModeContextKey(mode: UiMode): Promise<void> {
  await vscode.commands.executeCommand('setContext', UI_MODE_CONTEXT_KEY, mode);
}
