/**
 * The inline completions feature with acceptance tracking: the inline completion
 * provider over CompletionCore, the suggestion lifecycle (shown / accepted / partial /
 * dismissed) and retention checks batched to the daemon, and the editor events and
 * accept commands that feed them, and the active editor's document prepared for its first
 * completion (prepare.ts). What it did goes to the host's `completions` for the status
 * bar, the inspector, the reports and edits.
 */
import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { ErrorCodes, type SuggestionEvent } from '../../protocol';
import { systemClock } from '../clock';
import type { ExtensionContribution, ExtensionHost } from '../host';
import { NotConnectedError } from '../tandem-client';
import { EventQueue } from '../tracking/event-queue';
import { RetentionTracker } from '../tracking/retention';
import { SuggestionTracker } from '../tracking/suggestion-tracker';
import { surfaceFor } from '../ui/ui-mode';
import { currentSettings, enabledFor } from '../vscode/config';
import { CompletionCore, type Suggestion } from './completion-core';
import { ErrorOnce } from './error-once';
import { documentPath, inputAt, SUPPORTED_SCHEMES, TandemInlineProvider } from './inline-provider';
import { CompletionPreparer } from './prepare';
import { findDocument, registerTrackingGlue, SUGGESTION_CONTEXT_KEY } from './tracking-glue';

/** Acceptance tracking: tracker → queue → tandem/events/report; accepts → retention. */
function createTracking(host: ExtensionHost) {
  const { client, logger } = host;
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
  /** Stops retention checks and sends what is queued (before the client goes). */
  const flush = async () => {
    retention.dispose();
    await queue.flush();
    queue.dispose();
  };
  return { tracker, retention, flush };
}

/** A failed completion: logged, and shown once per kind of failure with the actions that help. */
function reportCompletionError(host: ExtensionHost, errors: ErrorOnce, err: unknown): void {
  if (err instanceof NotConnectedError) return;
  const { logger, channel } = host;
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
}

export const completionContribution: ExtensionContribution = {
  name: 'completion',
  activate(host) {
    const { client, logger } = host;
    const activity = host.completions;
    const { tracker, retention, flush } = createTracking(host);
    const errors = new ErrorOnce();
    const preparer = new CompletionPreparer({
      clock: systemClock,
      send: (params, signal) => client.prepareCompletion(params, signal),
      params: (input) => {
        const { document, workspaceRoot, recentFiles } = core.params({ ...input, explicit: false }, true);
        return { document, ...(workspaceRoot ? { workspaceRoot } : {}), recentFiles };
      },
      enabled: (languageId) => currentSettings().enable && enabledFor(languageId),
      ready: () => client.manager.session !== undefined && client.hasFeature('completionPrepare'),
      log: logger,
    });
    /** What the preparer needs of the active editor (undefined: none, or a document completions do not serve, like an output pane). */
    const activeTarget = () => {
      const editor = vscode.window.activeTextEditor;
      const document = editor?.document;
      if (!editor || !document || !(SUPPORTED_SCHEMES as readonly string[]).includes(document.uri.scheme)) return undefined;
      return {
        path: documentPath(document),
        line: editor.selection.active.line,
        snapshot: () =>
          vscode.window.activeTextEditor === editor && !document.isClosed ? inputAt(document, editor.selection.active) : undefined,
      };
    };
    const prepareActive = () => preparer.focused(activeTarget());
    const core = new CompletionCore({
      backend: {
        complete: (params, signal) => {
          preparer.completing(params.document.path);
          return client.complete(params, signal);
        },
      },
      clock: systemClock,
      recentFiles: (path) => activity.recent.list(path),
      log: logger,
      onExchange: (params, result) => (activity.requests.lastExchange = { params, result, at: Date.now() }),
    });

    const onSuggestion = (s: Suggestion, document: vscode.TextDocument) => {
      errors.reset();
      host.suggestions.setCompletionVisible(true);
      void vscode.commands.executeCommand('setContext', SUGGESTION_CONTEXT_KEY, true);
      const path = document.uri.scheme === 'file' ? document.uri.fsPath : document.uri.toString();
      activity.shown(s, { path, languageId: document.languageId }, Date.now());
      if (surfaceFor(host.mode()).logTimings) {
        logger.info(
          `completion ${s.completionId} ${s.source} ${s.model}@${s.backend}: debounce ${s.debounceMs} ms, context ${s.timings.contextMs} ms, first token ${s.timings.firstTokenMs} ms, total ${s.timings.totalMs} ms, extension ${s.overheadMs.toFixed(1)} ms`,
        );
      }
    };

    const provider = new TandemInlineProvider(core, tracker, {
      enabled: (languageId) => currentSettings().enable && enabledFor(languageId),
      connected: () => client.manager.session !== undefined,
      onSuggestion,
      onError: (err) => reportCompletionError(host, errors, err),
      yields: (path, line, character) => host.suggestions.claimed(path, line, character),
    });

    const registrations = vscode.Disposable.from(
      vscode.languages.registerInlineCompletionItemProvider(
        SUPPORTED_SCHEMES.map((scheme) => ({ scheme })),
        provider,
      ),
      ...registerTrackingGlue({
        tracker,
        retention,
        recent: activity.recent,
        forgetShown: () => core.forgetShown(),
        onVisibility: (visible) => host.suggestions.setCompletionVisible(visible),
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('tandem.enable')) core.cancelInflight();
      }),
      vscode.window.onDidChangeActiveTextEditor(prepareActive),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        const target = e.textEditor === vscode.window.activeTextEditor ? activeTarget() : undefined;
        if (target) preparer.moved(target);
      }),
      client.manager.onDidChangeState((state) => {
        if (state.kind === 'connected') prepareActive();
      }),
      { dispose: () => preparer.dispose() },
    );
    prepareActive();
    return {
      dispose: async () => {
        registrations.dispose();
        await flush();
      },
    };
  },
};
