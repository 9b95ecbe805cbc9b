/**
 * VS Code glue of the doctor: runs `tandem/doctor/run`, shows the report in the editor
 * (the Markdown of reports/reports.ts plus the fixes), and offers the one-click fixes in a
 * notification: pulling a model with a cancellable progress notification, opening the
 * setting of a wrong URL, setting the remote token.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { ModelsPullProgressNotification, ModelsPullRequest } from '../../protocol';
import { requestWithSignal } from '../connection/daemon-session';
import type { TandemClient } from '../tandem-client';
import { doctorReport } from '../reports/reports';
import type { ReportsView } from '../reports/reports-view';
import { doctorFixes, fixesMarkdown, type DoctorFix } from './doctor-fixes';
import { PullProgressTracker } from './pull-progress';

export interface DoctorDeps {
  client: TandemClient;
  reports: ReportsView;
  log: vscode.LogOutputChannel;
}

export async function runDoctor(deps: DoctorDeps): Promise<void> {
  const { client } = deps;
  if (!client.manager.session) {
    // A daemon that cannot start (a native module that does not load, say) has already said why.
    const state = client.state;
    const why = state.kind === 'failed' ? state.message : state.kind === 'waiting' ? state.lastError : undefined;
    const action = await vscode.window.showWarningMessage(
      why
        ? `Tandem cannot reach tandemd, so the doctor cannot run: ${why}`
        : 'Tandem is not connected to tandemd yet, so the doctor cannot run.',
      'Show Logs',
    );
    if (action) deps.log.show(true);
    return;
  }
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Tandem: checking setup…' },
    () => client.doctor(),
  );
  const fixes = doctorFixes(report);
  await deps.reports.show('doctor', doctorReport(report) + fixesMarkdown(fixes));
  const problems = report.checks.filter((c) => c.status !== 'ok').length;
  if (fixes.length === 0) return;
  const shown = fixes.length <= 3 ? fixes : fixes.slice(0, 2);
  const more = fixes.length > 3 ? 'More Fixes…' : undefined;
  const summary = `Tandem doctor: ${problems} problem${problems === 1 ? '' : 's'}${report.completionsWork ? '' : '; inline completions cannot work yet'}.`;
  const show = report.completionsWork ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
  const picked = await show(summary, ...shown.map((f) => f.label), ...(more ? [more] : []));
  let fix = fixes.find((f) => f.label === picked);
  if (picked === more) {
    const choice = await vscode.window.showQuickPick(
      fixes.map((f) => ({ label: f.label, fix: f })),
      { title: 'Tandem doctor: one-click fixes' },
    );
    fix = choice?.fix;
  }
  if (fix) await applyFix(deps, fix);
}

async function applyFix(deps: DoctorDeps, fix: DoctorFix): Promise<void> {
  switch (fix.kind) {
    case 'openSetting':
      await vscode.commands.executeCommand('workbench.action.openSettings', fix.setting);
      return;
    case 'setToken':
      await vscode.commands.executeCommand('tandem.setRemoteToken');
      return;
    case 'pull':
      await pullWithProgress(deps, fix.model, fix.backend);
      return;
  }
}

/** Pull a model through tandemd with a cancellable progress notification. */
export async function pullWithProgress(deps: DoctorDeps, model: string, backend?: string): Promise<void> {
  const { client } = deps;
  const pullId = randomUUID();
  const connection = client.connection;
  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Tandem: pulling ${model}${backend ? ` on ${backend}` : ''}`,
      cancellable: true,
    },
    async (progress, token) => {
      const tracker = new PullProgressTracker();
      const ac = new AbortController();
      const cancel = token.onCancellationRequested(() => ac.abort());
      const sub = connection.onNotification(ModelsPullProgressNotification.type, (p) => {
        if (p.pullId === pullId) progress.report(tracker.update(p));
      });
      try {
        return await requestWithSignal(ac.signal, (t) =>
          connection.sendRequest(ModelsPullRequest.type, { model, pullId, ...(backend ? { backend } : {}) }, t),
        );
      } catch (err) {
        if (ac.signal.aborted) return undefined;
        throw err;
      } finally {
        sub.dispose();
        cancel.dispose();
      }
    },
  );
  if (!result) {
    void vscode.window.showInformationMessage(`Tandem: pulling ${model} was cancelled.`);
    return;
  }
  deps.log.info(`pulled ${result.model} on ${result.backend}`);
  await client.refreshStatus().catch(() => undefined);
  const again = await vscode.window.showInformationMessage(`Tandem: ${result.model} is ready on ${result.backend}.`, 'Run Doctor Again');
  if (again) await runDoctor(deps);
}
