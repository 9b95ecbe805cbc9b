/**
 * Next-edit suggestions in VS Code: the edit history fed from document changes, the core
 * (`core.ts`) fed from editor events and drawing through `EditorNextEditView`, its inline
 * item provider, Tab / Escape and the accept command, the acceptance events batched to
 * the daemon, and, in expert mode, the prompt and raw answer of the last request.
 */
import * as vscode from 'vscode';
import { ErrorCodes, NextEditRequest, type SuggestionEvent } from '../../protocol';
import { systemClock } from '../clock';
import { documentPath, SUPPORTED_SCHEMES } from '../completion/inline-provider';
import { requestWithSignal } from '../connection/daemon-session';
import type { ExtensionContribution, ExtensionHost } from '../host';
import { NotConnectedError } from '../tandem-client';
import { EventQueue } from '../tracking/event-queue';
import { surfaceFor, type PaletteCommand } from '../ui/ui-mode';
import { registerGuardedCommands, type CommandHandler } from '../vscode/commands';
import { currentSettings, nextEditEnabledFor } from '../vscode/config';
import { Cadence } from './cadence';
import { lineChange, textChanges } from './changes';
import { NextEditCore } from './core';
import { EditHistory } from './edit-history';
import { NEXT_EDIT_ACCEPTED_COMMAND, NextEditInlineProvider } from './inline-provider';
import { nextEditReport, type NextEditExchange } from './report';
import { snapshotOf } from './snapshot';
import { NextEditTracker } from './tracker';
import { EditorNextEditView } from './view';

export type NextEditCommand = Extract<PaletteCommand, 'tandem.showNextEditPrompt'>;

function supported(document: vscode.TextDocument): boolean {
  return (SUPPORTED_SCHEMES as readonly string[]).includes(document.uri.scheme);
}

/** The acceptance events of next edits, batched to `tandem/events/report` like the completions'. */
function eventQueue(host: ExtensionHost): EventQueue {
  return new EventQueue({
    clock: systemClock,
    log: host.logger,
    send: async (events: SuggestionEvent[]) => {
      if (!host.client.manager.session) throw new NotConnectedError();
      await host.client.reportEvents({ events });
    },
  });
}

/**
 * A failed request: logged. A missing model or backend is also shown, once per window,
 * when the user chose a next-edit model; with the default one the doctor says it.
 */
function reportError(host: ExtensionHost, shown: Set<string>, err: unknown): void {
  if (err instanceof NotConnectedError) return;
  const e = err as { message?: string; code?: number; data?: { kind?: string; hint?: string } };
  const kind = e.data?.kind ?? String(e.code ?? 'error');
  host.logger.debug(`next edit failed (${kind}): ${e.message ?? String(err)}`);
  if (shown.has(kind)) return;
  shown.add(kind);
  host.logger.warn(`next-edit suggestions paused: ${e.message ?? String(err)}${e.data?.hint ? ` — ${e.data.hint}` : ''}`);
  if (e.code !== ErrorCodes.ModelNotFound && e.code !== ErrorCodes.NoBackendAvailable) return;
  if (currentSettings().models.nextEdit === undefined) return;
  void vscode.window
    .showWarningMessage(
      `Tandem next edits: ${e.message ?? 'the model is not available'}${e.data?.hint ? ` ${e.data.hint}` : ''}`,
      'Check Setup',
    )
    .then((action) => action === 'Check Setup' && void vscode.commands.executeCommand('tandem.runDoctor'));
}

export const nextEditContribution: ExtensionContribution = {
  name: 'next-edit',
  activate(host) {
    const { client, logger } = host;
    const history = new EditHistory();
    const cadence = new Cadence();
    const queue = eventQueue(host);
    const errors = new Set<string>();
    let last: NextEditExchange | undefined;
    const view = new EditorNextEditView(host.context.extensionUri, host.suggestions);
    const tracker = new NextEditTracker({
      clock: systemClock,
      now: () => Date.now(),
      emit: (event) => queue.push(event),
      onOutcome: (outcome) => cadence.record(outcome),
    });
    const core = new NextEditCore({
      clock: systemClock,
      now: () => Date.now(),
      backend: {
        suggest: (params, signal) =>
          requestWithSignal(signal, (token) => client.connection.sendRequest(NextEditRequest.type, params, token)),
      },
      history,
      cadence,
      tracker,
      view,
      log: logger,
      snapshot: () => {
        const editor = vscode.window.activeTextEditor;
        return editor && supported(editor.document) ? snapshotOf(editor) : undefined;
      },
      completionVisible: () => host.suggestions.completionVisible,
      enabled: (languageId) => client.hasFeature('nextEdit') && nextEditEnabledFor(languageId),
      recentFiles: (path) => host.completions.recent.list(path),
      includePrompt: () => host.mode() === 'expert',
      onExchange: (params, result) => {
        last = { params, result, at: Date.now() };
        if (surfaceFor(host.mode()).logTimings) {
          logger.info(
            `next edit ${result.suggestionId} ${result.format} ${result.model}@${result.backend}: ${result.outcome}${result.reason ? ` (${result.reason})` : ''}, context ${result.timings.contextMs} ms, first token ${result.timings.firstTokenMs} ms, total ${result.timings.totalMs} ms, ${result.promptTokens} prompt tokens`,
          );
        }
      },
      onError: (err) => reportError(host, errors, err),
    });

    const track = (document: vscode.TextDocument) => {
      if (supported(document)) history.track(documentPath(document), document.getText());
    };
    for (const editor of vscode.window.visibleTextEditors) track(editor.document);

    // Start the cadence from the last day's acceptance of next edits, once per window.
    let seeded = false;
    const seed = () => {
      if (seeded || !client.manager.session || !client.hasFeature('nextEdit')) return;
      seeded = true;
      client
        .stats({ suggestionKind: 'nextEdit', sinceMs: Date.now() - 86_400_000, groupBy: [] })
        .then((s) => cadence.seed(s.total.shown, s.total.accepted + s.total.partiallyAccepted))
        .catch((err: unknown) => logger.debug(`next-edit stats unavailable: ${(err as Error).message}`));
    };

    const commands: Record<NextEditCommand, CommandHandler> = {
      'tandem.showNextEditPrompt': () => host.reports.show('next-edit', nextEditReport(last)),
    };

    const registrations = vscode.Disposable.from(
      view,
      vscode.languages.registerInlineCompletionItemProvider(
        SUPPORTED_SCHEMES.map((scheme) => ({ scheme })),
        new NextEditInlineProvider(core),
      ),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!supported(e.document) || e.contentChanges.length === 0) return;
        const path = documentPath(e.document);
        // An inline edit's preview writes its proposal into the document: those lines are not the user's edits.
        if (host.suggestions.editPreview === path) return;
        history.change(path, e.document.getText(), textChanges(e.contentChanges), Date.now());
        if (vscode.window.activeTextEditor?.document === e.document) core.documentChanged(path, lineChange(e.contentChanges));
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        const active = e.selections[0]?.active;
        if (active && e.textEditor === vscode.window.activeTextEditor)
          core.cursorMoved(documentPath(e.textEditor.document), { line: active.line, character: active.character });
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor) track(editor.document);
        core.activeEditorChanged(editor ? documentPath(editor.document) : undefined);
      }),
      vscode.workspace.onDidOpenTextDocument(track),
      vscode.workspace.onDidCloseTextDocument((document) => {
        const path = documentPath(document);
        core.closed(path);
        history.forget(path);
      }),
      vscode.workspace.onDidRenameFiles((e) => {
        for (const f of e.files) history.rename(f.oldUri.fsPath, f.newUri.fsPath);
      }),
      host.suggestions.onEditPreview((path, previous) => {
        if (path) core.editPreviewStarted(path);
        // The preview ended (accepted or rejected): the history takes the text as it is now, without a hunk for it.
        const ended = previous && vscode.workspace.textDocuments.find((d) => documentPath(d) === previous);
        if (ended) history.change(previous, ended.getText(), [], Date.now());
      }),
      host.suggestions.onCompletionVisibility((visible) => (visible ? core.completionShown() : core.completionHidden())),
      client.onStatus(seed),
      vscode.commands.registerCommand('tandem.nextEdit.tab', async () => {
        // The context key can lag a moment behind: without a suggestion, Tab is Tab.
        if (!(await core.tab())) await vscode.commands.executeCommand('tab');
      }),
      vscode.commands.registerCommand('tandem.nextEdit.reject', () => core.reject()),
      vscode.commands.registerCommand(NEXT_EDIT_ACCEPTED_COMMAND, (suggestionId: unknown) => {
        if (typeof suggestionId === 'string') core.inlineAccepted(suggestionId);
      }),
      ...registerGuardedCommands(host.channel, commands),
    );
    return {
      dispose: async () => {
        core.dispose();
        registrations.dispose();
        await queue.flush();
        queue.dispose();
      },
    };
  },
};
