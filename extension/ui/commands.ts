/**
 * The menu and settings commands of the status bar feature: the Tandem menu, the UI
 * mode picker, switching completions on and off (globally or per language), and the
 * completion model and backend pickers. Each is a few lines around a picker and a
 * setting write.
 */
import * as vscode from 'vscode';
import { displayUrl } from '../../shared/url';
import type { TandemClient } from '../tandem-client';
import type { CommandHandler } from '../vscode/commands';
import { currentMode, currentSettings, enabledFor, setMode, updateSetting } from '../vscode/config';
import { pickUiMode, showMenu } from './menu';
import type { PaletteCommand } from './ui-mode';

export type UiCommand = Extract<
  PaletteCommand,
  | 'tandem.showMenu'
  | 'tandem.switchUiMode'
  | 'tandem.toggleEnable'
  | 'tandem.toggleLanguage'
  | 'tandem.selectModel'
  | 'tandem.selectBackend'
>;

export interface UiCommandDeps {
  client: TandemClient;
  /** The status bar's text without icons, the menu's header. */
  statusText(): string;
}

export function uiCommands(deps: UiCommandDeps): Record<UiCommand, CommandHandler> {
  return {
    'tandem.showMenu': () => showMenu(currentMode(), deps.statusText()),
    'tandem.switchUiMode': (mode?: unknown) => switchUiMode(mode),
    'tandem.toggleEnable': () => toggleEnable(),
    'tandem.toggleLanguage': () => toggleLanguage(),
    'tandem.selectModel': () => selectModel(deps.client),
    'tandem.selectBackend': () => selectBackend(deps.client),
  };
}

async function switchUiMode(mode?: unknown): Promise<void> {
  const picked = typeof mode === 'string' ? mode : await pickUiMode(currentMode());
  if (picked === 'simple' || picked === 'advanced' || picked === 'expert') await setMode(picked);
}

async function toggleEnable(): Promise<void> {
  const now = currentSettings().enable;
  await updateSetting('enable', !now);
  void vscode.window.showInformationMessage(`Tandem inline completions ${now ? 'disabled' : 'enabled'}.`);
}

async function toggleLanguage(): Promise<void> {
  const languageId = vscode.window.activeTextEditor?.document.languageId;
  if (!languageId) {
    void vscode.window.showInformationMessage('Open a file to switch Tandem for its language.');
    return;
  }
  const enabled = enabledFor(languageId);
  await vscode.workspace.getConfiguration('tandem', { languageId }).update('enable', !enabled, vscode.ConfigurationTarget.Global, true);
  void vscode.window.showInformationMessage(`Tandem inline completions ${enabled ? 'disabled' : 'enabled'} for ${languageId}.`);
}

async function selectModel(client: TandemClient): Promise<void> {
  const status = client.status;
  const current = client.effectiveSettings?.models.complete ?? currentSettings().models.complete;
  const available = [...new Set((status?.backends ?? []).flatMap((b) => b.models ?? []))].sort();
  const items: Array<vscode.QuickPickItem & { model?: string }> = available.map((model) => ({
    label: model,
    description: model === current ? 'current' : /instruct|chat/i.test(model) ? 'instruct model: poor at fill-in-the-middle' : undefined,
    model,
  }));
  items.push({ label: '$(edit) Enter a model name…' });
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Tandem: completion model',
    placeHolder: current ? `Current: ${current}` : undefined,
  });
  if (!picked) return;
  const model =
    picked.model ?? (await vscode.window.showInputBox({ title: 'Completion model (as Ollama names it)', value: current ?? '' }));
  if (!model) return;
  const models = { ...(vscode.workspace.getConfiguration('tandem').get<Record<string, string>>('models') ?? {}), complete: model };
  await updateSetting('models', models);
}

async function selectBackend(client: TandemClient): Promise<void> {
  const s = currentSettings();
  // The URL in use: tandemd's (config.json, TANDEM_OLLAMA_URL, OLLAMA_HOST) unless tandem.ollamaUrl was set.
  const localUrl = client.effectiveSettings?.backends.find((b) => b.name === 'local')?.url ?? s.ollamaUrl;
  const items: Array<vscode.QuickPickItem & { action: 'local' | 'remote' | 'localUrl' | 'remoteUrl' }> = [
    { label: `${s.remoteUrl === '' ? '$(check) ' : ''}Local Ollama only`, description: displayUrl(localUrl), action: 'local' },
    {
      label: `${s.remoteUrl !== '' ? '$(check) ' : ''}Remote server first, local as fallback`,
      description: s.remoteUrl !== '' ? displayUrl(s.remoteUrl) : 'set a URL',
      action: 'remote',
    },
    { label: '$(edit) Set local Ollama URL…', action: 'localUrl' },
    { label: '$(edit) Set remote server URL…', action: 'remoteUrl' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Tandem: backend' });
  if (!picked) return;
  if (picked.action === 'local') return updateSetting('remoteUrl', '');
  const key = picked.action === 'localUrl' ? 'ollamaUrl' : 'remoteUrl';
  if (picked.action === 'remote' && s.remoteUrl !== '') return;
  const value = await vscode.window.showInputBox({
    title: key === 'ollamaUrl' ? 'Local Ollama URL' : 'Remote server URL (Ollama on a GPU server / DGX)',
    value: key === 'ollamaUrl' ? localUrl : s.remoteUrl,
    placeHolder: 'http://host:11434',
    validateInput: (v) => {
      try {
        const u = new URL(v);
        return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : 'Use an http(s) URL.';
      } catch {
        return 'Not a URL.';
      }
    },
  });
  if (value) await updateSetting(key, value);
}
