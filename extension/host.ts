/**
 * What every extension feature is given (`ExtensionHost`) and how it is built: the
 * output channel, the daemon client, the UI mode, what inline completions did and the
 * report documents. A feature gets nothing else, so what it depends on is visible here.
 */
import * as vscode from 'vscode';
import type { Contribution } from './contribution';
import { ChatPanelBridge } from './chat/panel-bridge';
import { CompletionActivity } from './completion/activity';
import type { Logger } from './log';
import { ReportsView } from './reports/reports-view';
import { SuggestionArbiter } from './suggestion-arbiter';
import type { TandemClient } from './tandem-client';
import { createDaemonClient } from './tandemd/client';
import type { UiMode } from './ui/ui-mode';
import { currentMode } from './vscode/config';
import { createOutput } from './vscode/output';

export interface ExtensionHost {
  readonly context: vscode.ExtensionContext;
  /** The connection to tandemd (started by main.ts after every feature is activated). */
  readonly client: TandemClient;
  /** The "Tandem" log channel (for "Show Logs"); `logger` writes to it. */
  readonly channel: vscode.LogOutputChannel;
  readonly logger: Logger;
  /** The UI mode in effect (`tandem.uiMode`). */
  mode(): UiMode;
  /** Fires after `tandem.uiMode` changed, before the features' own configuration listeners run. */
  readonly onDidChangeMode: vscode.Event<UiMode>;
  /** Workspace folders on disk (the daemon indexes and edits only those). */
  workspaceRoots(): string[];
  /** Written by the completion feature, read by the status bar, the inspector, the reports and edits. */
  readonly completions: CompletionActivity;
  /** Whether an inline completion is visible, and where a next-edit suggestion claims the cursor (the two take turns). */
  readonly suggestions: SuggestionArbiter;
  /** The read-only `tandem:` Markdown documents (the reports feature serves them). */
  readonly reports: ReportsView;
  /** Use a new token for the remote backend (already stored in SecretStorage) and resend the settings. */
  setRemoteToken(token: string | undefined): Promise<void>;
  /**
   * The chat panel: the chat feature attaches the view, the agent feature its Agent mode,
   * and any feature opens it with `chatPanel.open({ panelMode, prefill, send })`.
   */
  readonly chatPanel: ChatPanelBridge;
}

export type ExtensionContribution = Contribution<ExtensionHost>;

/** Builds the host; its own disposables go to `context.subscriptions`. The client is not started. */
export async function createHost(context: vscode.ExtensionContext): Promise<ExtensionHost> {
  const { channel, logger } = createOutput(context);
  const { client, workspaceRoots, setRemoteToken } = await createDaemonClient(context, logger);

  let mode: UiMode = currentMode();
  const modeChanged = new vscode.EventEmitter<UiMode>();
  const reports = new ReportsView();
  context.subscriptions.push(
    modeChanged,
    reports,
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('tandem.uiMode')) return;
      mode = currentMode();
      modeChanged.fire(mode);
    }),
  );

  return {
    context,
    client,
    channel,
    logger,
    mode: () => mode,
    onDidChangeMode: modeChanged.event,
    workspaceRoots,
    completions: new CompletionActivity(),
    suggestions: new SuggestionArbiter(),
    reports,
    setRemoteToken,
    chatPanel: new ChatPanelBridge({
      get: () => {
        const saved = context.workspaceState.get<string>('tandem.chat.panelMode');
        return saved === 'agent' || saved === 'ask' ? saved : undefined;
      },
      set: (mode) => void context.workspaceState.update('tandem.chat.panelMode', mode),
    }),
  };
}
