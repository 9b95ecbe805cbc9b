/**
 * Tandem's VS Code extension: wires the daemon connection, inline completions,
 * acceptance tracking, the status bar, the UI modes and the commands. The logic lives
 * in pure modules next to this file; this is glue.
 */
import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { ErrorCodes, type SuggestionEvent } from '../protocol';
import { ContextDiagnosticsRequest } from '../protocol/messages/context';
import { tandemHome } from '../daemon/config';
import { liveLock } from '../daemon/lockfile';
import { systemClock } from './clock';
import { CompletionCore, type Suggestion } from './completion/completion-core';
import { ErrorOnce } from './completion/error-once';
import { RecentFiles } from './completion/recent-files';
import { RequestLog } from './completion/request-log';
import { createDaemonLauncher } from './connection/daemon-launcher';
import { settingsUpdateParams, validateUrlSetting } from './settings';
import { NotConnectedError, TandemClient } from './tandem-client';
import { EventQueue } from './tracking/event-queue';
import { RetentionTracker } from './tracking/retention';
import { SuggestionTracker } from './tracking/suggestion-tracker';
import { surfaceFor, type UiMode } from './ui/ui-mode';
import type { InspectedSuggestion } from '../webview-ui/inspector-protocol';
import { REMOTE_TOKEN_SECRET, registerCommands } from './vscode/commands';
import { applyModeContextKey, currentMode, currentSettings, enabledFor } from './vscode/config';
import { InspectorPanel } from './vscode/inspector-panel';
import { SUPPORTED_SCHEMES, TandemInlineProvider } from './vscode/inline-provider';
import { createOutput, logDaemonLine } from './vscode/output';
import { REPORT_SCHEME, ReportsView } from './vscode/reports-view';
import { StatusBar } from './vscode/status-bar';
import { registerChat } from './chat/register';
import { registerOps } from './ops/register';
import { registerEdits } from './edit/register';
import { StatusTreeProvider } from './vscode/status-view';
import { findDocument, registerTrackingGlue, SUGGESTION_CONTEXT_KEY } from './vscode/tracking-glue';
import { statusView } from './ui/status-model';

let disposeClient: (() => Promise<void>) | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const { channel, logger } = createOutput(context);
  const version = (context.extension.packageJSON as { version?: string }).version ?? '0.0.0';
  const home = tandemHome(process.env);
  logger.info(`Tandem ${version} activating (home ${home}, ${vscode.env.remoteName ? `remote ${vscode.env.remoteName}` : 'local'})`);

  let mode: UiMode = currentMode();
  let remoteToken = await context.secrets.get(REMOTE_TOKEN_SECRET);
  const remoteHeaders = () => (remoteToken ? { Authorization: `Bearer ${remoteToken}` } : undefined);
  const launcher = createDaemonLauncher({
    extensionRoot: context.extensionUri.fsPath,
    home,
    nodePath: () => currentSettings().nodePath,
    logger,
  });

  const workspaceRoots = () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);

  const client = new TandemClient({
    client: { name: 'tandem-vscode', version },
    findLive: () => liveLock(home),
    startDaemon: () => launcher.start(),
    explainExit: (exit) => launcher.explainExit(exit),
    settings: () => settingsUpdateParams(currentSettings(), remoteHeaders()),
    workspaceRoots,
    clock: systemClock,
    log: logger,
  });

  // Acceptance tracking: tracker → queue → tandem/events/report; accepts → retention.
  const queue = new EventQueue({
    clock: systemClock,
    log: logger,
    send: async (events: SuggestionEvent[]) => {
      if (!client.manager.session) throw new NotConnectedError();
      await client.reportEvents({ events });
    },
  });
  const retention = new RetentionTracker({
    clock: systemClock,
    now: () => Date.now(),
    readRegion: (path, start, end) => {
      const document = findDocument(path);
      if (document) return document.getText(new vscode.Range(document.positionAt(start), document.positionAt(end)));
      // Closed since the accept: the saved file is what the user kept.
      if (!isAbsolute(path)) return undefined;
      try {
        return readFileSync(path, 'utf8').slice(start, end);
      } catch {
        return undefined;
      }
    },
    emit: (event) => queue.push(event),
  });
  const tracker = new SuggestionTracker({
    clock: systemClock,
    now: () => Date.now(),
    emit: (event) => queue.push(event),
    onAccepted: (accepted) => retention.track(accepted),
  });
  let shuttingDown: Promise<void> | undefined;
  disposeClient = () =>
    (shuttingDown ??= (async () => {
      retention.dispose();
      await queue.flush();
      queue.dispose();
      client.dispose();
    })());
  context.subscriptions.push({ dispose: () => void disposeClient?.() });

  // Inline completions.
  const recent = new RecentFiles();
  const requests = new RequestLog();
  const errors = new ErrorOnce();
  let lastSuggestion: InspectedSuggestion | undefined;
  const core = new CompletionCore({
    backend: { complete: (params, signal) => client.complete(params, signal) },
    clock: systemClock,
    recentFiles: (path) => recent.list(path),
    log: logger,
    onExchange: (params, result) => (requests.lastExchange = { params, result, at: Date.now() }),
  });

  const statusBar = new StatusBar();
  const tree = new StatusTreeProvider();
  const reports = new ReportsView();
  context.subscriptions.push(statusBar, tree, reports);

  const connectionError = () => {
    const s = client.state;
    return s.kind === 'failed' ? s.message : s.kind === 'waiting' ? s.lastError : undefined;
  };
  const statusInputs = () => {
    const editor = vscode.window.activeTextEditor;
    const last = requests.last;
    return {
      mode,
      enabled: currentSettings().enable && enabledFor(editor?.document.languageId),
      connection: client.state.kind,
      status: client.status,
      model: client.effectiveSettings?.models.complete,
      last: last ? { backend: last.backend, model: last.model, totalMs: last.totalMs } : undefined,
      connectionError: connectionError(),
    };
  };
  const refreshUi = () => {
    statusBar.update(statusInputs());
    tree.update({
      mode,
      connected: client.manager.session !== undefined,
      status: client.status,
      models: client.effectiveSettings?.models,
      last: requests.last,
    });
  };

  const onSuggestion = (s: Suggestion, document: vscode.TextDocument) => {
    errors.reset();
    void vscode.commands.executeCommand('setContext', SUGGESTION_CONTEXT_KEY, true);
    const path = document.uri.scheme === 'file' ? document.uri.fsPath : document.uri.toString();
    lastSuggestion = {
      completionId: s.completionId,
      model: s.model,
      backend: s.backend,
      languageId: document.languageId,
      path,
      text: s.text,
      source: s.source,
      timings: s.timings,
      overheadMs: s.overheadMs,
    };
    requests.add({
      at: Date.now(),
      path,
      languageId: document.languageId,
      source: s.source,
      completionId: s.completionId,
      model: s.model,
      backend: s.backend,
      debounceMs: s.debounceMs,
      contextMs: s.timings.contextMs,
      firstTokenMs: s.timings.firstTokenMs,
      totalMs: s.timings.totalMs,
      overheadMs: s.overheadMs,
      chars: s.text.length,
      multiline: s.multiline,
    });
    if (surfaceFor(mode).logTimings) {
      logger.info(
        `completion ${s.completionId} ${s.source} ${s.model}@${s.backend}: debounce ${s.debounceMs} ms, context ${s.timings.contextMs} ms, first token ${s.timings.firstTokenMs} ms, total ${s.timings.totalMs} ms, extension ${s.overheadMs.toFixed(1)} ms`,
      );
    }
    refreshUi();
  };

  const onError = (err: unknown) => {
    if (err instanceof NotConnectedError) return;
    const e = err as { message?: string; code?: number; data?: { kind?: string; hint?: string } };
    const kind = e.data?.kind ?? (typeof e.code === 'number' ? String(e.code) : 'error');
    logger.debug(`completion failed (${kind}): ${e.message ?? String(err)}`);
    if (!errors.shouldReport(kind)) return;
    logger.warn(`inline completion failed: ${e.message ?? String(err)}${e.data?.hint ? ` — ${e.data.hint}` : ''}`);
    const actions =
      e.code === ErrorCodes.ModelNotFound || e.code === ErrorCodes.NoBackendAvailable ? ['Check Setup', 'Show Logs'] : ['Show Logs'];
    void vscode.window
      .showWarningMessage(`Tandem: ${e.message ?? 'completion failed'}${e.data?.hint ? ` ${e.data.hint}` : ''}`, ...actions)
      .then((action) => {
        if (action === 'Check Setup') void vscode.commands.executeCommand('tandem.runDoctor');
        if (action === 'Show Logs') channel.show(true);
      });
  };

  const provider = new TandemInlineProvider(core, tracker, {
    enabled: (languageId) => currentSettings().enable && enabledFor(languageId),
    connected: () => client.manager.session !== undefined,
    onSuggestion,
    onError,
  });

  const inspector = new InspectorPanel(context.extensionUri, {
    lastSuggestion: () => lastSuggestion,
    diagnostics: (completionId) => client.connection.sendRequest(ContextDiagnosticsRequest.type, { completionId }),
    expert: () => mode === 'expert',
    openFile: (root, file, line) => {
      const base = root ?? workspaceRoots()[0];
      if (!base) return;
      const uri = vscode.Uri.joinPath(vscode.Uri.file(base), file);
      void vscode.window.showTextDocument(uri, { selection: new vscode.Range(line - 1, 0, line - 1, 0), preview: true });
    },
  });
  context.subscriptions.push(inspector);

  context.subscriptions.push(
    vscode.languages.registerInlineCompletionItemProvider(
      SUPPORTED_SCHEMES.map((scheme) => ({ scheme })),
      provider,
    ),
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports),
    vscode.window.registerTreeDataProvider('tandem.statusView', tree),
  );
  registerTrackingGlue(context, { tracker, retention, recent, forgetShown: () => core.forgetShown() });
  registerChat(context, { client, logger });
  registerOps(context, { client, channel, reports });
  registerEdits(context, { client, logger, mode: () => mode, recentFiles: (path) => recent.list(path) });
  registerCommands(context, {
    client,
    channel,
    reports,
    inspector,
    requests,
    statusText: () => statusView(statusInputs()).text.replace(/\$\([^)]+\)\s*/g, ''),
    onRemoteTokenChanged: async (token) => {
      remoteToken = token;
      await client.updateSettings();
    },
  });

  // Daemon connection → status bar, log channel, failure message.
  let failureShown = false;
  context.subscriptions.push(
    client.onDaemonLog((line) => logDaemonLine(channel, line)),
    client.onStatus(() => refreshUi()),
    client.onSettingsApplied(() => refreshUi()),
    client.onSettingsRejected(
      (err) =>
        void vscode.window
          .showWarningMessage(`Tandem: tandemd refused the settings: ${err.message}`, 'Show Logs')
          .then((a) => a && channel.show(true)),
    ),
    client.manager.onDidChangeState((state) => {
      refreshUi();
      if (state.kind === 'connected') failureShown = false;
      if (state.kind === 'failed' && !failureShown) {
        failureShown = true;
        void vscode.window.showErrorMessage(`Tandem: ${state.message}`, 'Show Logs', 'Restart Daemon').then((action) => {
          if (action === 'Show Logs') channel.show(true);
          if (action === 'Restart Daemon') void vscode.commands.executeCommand('tandem.restartDaemon');
        });
      }
    }),
    vscode.window.onDidChangeActiveTextEditor(() => refreshUi()),
    vscode.workspace.onDidChangeWorkspaceFolders((e) => {
      const added = e.added.filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
      void client
        .registerRoots(added)
        .catch((err: unknown) => logger.warn(`registering workspace roots failed: ${(err as Error).message}`));
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('tandem')) return;
      if (e.affectsConfiguration('tandem.uiMode')) {
        mode = currentMode();
        void applyModeContextKey(mode);
        logger.info(`UI mode: ${mode}`);
      }
      if (e.affectsConfiguration('tandem.enable')) core.cancelInflight();
      if (
        e.affectsConfiguration('tandem.ollamaUrl') ||
        e.affectsConfiguration('tandem.remoteUrl') ||
        e.affectsConfiguration('tandem.remoteKind') ||
        e.affectsConfiguration('tandem.models')
      ) {
        const s = currentSettings();
        for (const [key, value] of [
          ['ollamaUrl', s.ollamaUrl],
          ['remoteUrl', s.remoteUrl],
        ] as const) {
          const problem = validateUrlSetting(key, value);
          if (problem) void vscode.window.showWarningMessage(`Tandem: ${problem}`);
        }
        void client.updateSettings();
      }
      if (e.affectsConfiguration('tandem.daemon.nodePath'))
        logger.info('tandem.daemon.nodePath changed; it applies the next time tandemd starts ("Tandem: Restart Daemon").');
      refreshUi();
    }),
  );

  await applyModeContextKey(mode);
  refreshUi();
  void client.start();
}

export async function deactivate(): Promise<void> {
  const dispose = disposeClient;
  disposeClient = undefined;
  await dispose?.();
}
