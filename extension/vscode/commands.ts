/**
 * Tandem's palette commands. Each is a few lines delegating to the client, the pure
 * report renderers or a picker; mode visibility is in package.json `when` clauses.
 */
import * as vscode from 'vscode';
import { ShutdownRequest } from '../../protocol';
import type { RequestLog } from '../completion/request-log';
import type { TandemClient } from '../tandem-client';
import { backendHealthReport, rawRequestReport, timingsReport } from '../ui/reports';
import type { PaletteCommand } from '../ui/ui-mode';
import { currentMode, currentSettings, enabledFor, setMode, updateSetting } from './config';
import type { InspectorPanel } from './inspector-panel';
import { pickUiMode, showMenu } from './menu';
import type { ReportsView } from './reports-view';

export const REMOTE_TOKEN_SECRET = 'tandem.remoteToken';

export interface CommandDeps {
  client: TandemClient;
  channel: vscode.LogOutputChannel;
  reports: ReportsView;
  inspector: InspectorPanel;
  requests: RequestLog;
  statusText(): string;
  onRemoteTokenChanged(token: string | undefined): Promise<void>;
}

export function registerCommands(context: vscode.ExtensionContext, deps: CommandDeps): void {
  const { client, reports } = deps;
  // Show Stats and Run Doctor are registered by extension/ops (dashboard webview, doctor with fixes).
  const handlers: Record<Exclude<PaletteCommand, 'tandem.showStats' | 'tandem.runDoctor'>, (...args: unknown[]) => unknown> = {
    'tandem.showMenu': () => showMenu(currentMode(), deps.statusText()),
    'tandem.switchUiMode': async (mode?: unknown) => {
      const picked = typeof mode === 'string' ? mode : await pickUiMode(currentMode());
      if (picked === 'simple' || picked === 'advanced' || picked === 'expert') await setMode(picked);
    },
    'tandem.toggleEnable': async () => {
      const now = currentSettings().enable;
      await updateSetting('enable', !now);
      void vscode.window.showInformationMessage(`Tandem inline completions ${now ? 'disabled' : 'enabled'}.`);
    },
    'tandem.toggleLanguage': async () => {
      const languageId = vscode.window.activeTextEditor?.document.languageId;
      if (!languageId) {
        void vscode.window.showInformationMessage('Open a file to switch Tandem for its language.');
        return;
      }
      const enabled = enabledFor(languageId);
      await vscode.workspace.getConfiguration('tandem', { languageId }).update('enable', !enabled, vscode.ConfigurationTarget.Global, true);
      void vscode.window.showInformationMessage(`Tandem inline completions ${enabled ? 'disabled' : 'enabled'} for ${languageId}.`);
    },
    'tandem.showLogs': () => deps.channel.show(true),
    'tandem.restartDaemon': async () => {
      deps.channel.info('restarting tandemd on request');
      const session = client.manager.session;
      if (session) {
        try {
          await session.connection.sendRequest(ShutdownRequest.type);
        } catch (err) {
          deps.channel.warn(`shutdown request failed: ${(err as Error).message}`);
        }
      }
      await client.manager.reconnect();
    },
    'tandem.selectModel': async () => {
      const status = client.status;
      const current = client.effectiveSettings?.models.complete ?? currentSettings().models.complete;
      const available = [...new Set((status?.backends ?? []).flatMap((b) => b.models ?? []))].sort();
      const items: Array<vscode.QuickPickItem & { model?: string }> = available.map((model) => ({
        label: model,
        description:
          model === current ? 'current' : /instruct|chat/i.test(model) ? 'instruct model: poor at fill-in-the-middle' : undefined,
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
    },
    'tandem.selectBackend': async () => {
      const s = currentSettings();
      // The URL in use: tandemd's (config.json, TANDEM_OLLAMA_URL, OLLAMA_HOST) unless tandem.ollamaUrl was set.
      const localUrl = client.effectiveSettings?.backends.find((b) => b.name === 'local')?.url ?? s.ollamaUrl;
      const items: Array<vscode.QuickPickItem & { action: 'local' | 'remote' | 'localUrl' | 'remoteUrl' }> = [
        { label: `${s.remoteUrl === '' ? '$(check) ' : ''}Local Ollama only`, description: localUrl, action: 'local' },
        {
          label: `${s.remoteUrl !== '' ? '$(check) ' : ''}Remote server first, local as fallback`,
          description: s.remoteUrl || 'set a URL',
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
    },
    'tandem.whyThisSuggestion': () => deps.inspector.show(),
    'tandem.setRemoteToken': async () => {
      const token = await vscode.window.showInputBox({
        title: 'Token for the remote backend (sent as "Authorization: Bearer …"; stored in VS Code SecretStorage)',
        password: true,
        placeHolder: 'Leave empty to remove the token',
      });
      if (token === undefined) return;
      if (token === '') await context.secrets.delete(REMOTE_TOKEN_SECRET);
      else await context.secrets.store(REMOTE_TOKEN_SECRET, token);
      await deps.onRemoteTokenChanged(token === '' ? undefined : token);
    },
    'tandem.showRawPrompt': () => reports.show('raw-prompt', rawRequestReport(deps.requests.lastExchange)),
    'tandem.showBackendHealth': async () => {
      const status = client.manager.session ? await client.refreshStatus() : undefined;
      await reports.show('backend-health', backendHealthReport(status, client.effectiveSettings));
    },
    'tandem.showRequestTimings': () => reports.show('timings', timingsReport(deps.requests.list())),
  };
  for (const [id, handler] of Object.entries(handlers)) {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          await handler(...args);
        } catch (err) {
          deps.channel.error(`${id} failed: ${(err as Error).message}`);
          void vscode.window.showErrorMessage(`Tandem: ${(err as Error).message}`);
        }
      }),
    );
  }
}
