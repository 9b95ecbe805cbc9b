/**
 * One auto-fix, from the targeted diagnostics to the recorded outcome:
 * ask the daemon for a fix → check the proposed changes again (paths, hashes) →
 * apply them (previewed; in simple mode a single small fix directly, with undo) →
 * watch the diagnostics → report `resolved` / `unresolved` (or `rejected`, `failed`)
 * with the model, backend and latency. The editor side comes in through `FixUi`, so
 * the flow is tested in plain Node.
 */
import type { FixDiagnostic, RecentFile, RejectedEdit, TextEdit } from '../../protocol';
import type { Logger } from '../log';
import type { UiMode } from '../ui/ui-mode';
import type { EditBackend } from './edit-backend';
import type { OutcomeVerdict } from './outcome-watch';
import {
  prepareChanges,
  shouldApplyDirectly,
  summarizeRefusals,
  type ChangeEnvironment,
  type PreparedOperation,
} from './workspace-changes';

export interface FixUi {
  /** Apply as one WorkspaceEdit; `preview`: every change needs confirmation. True when applied. */
  apply(operations: PreparedOperation[], opts: { preview: boolean; title: string }): Promise<boolean>;
  /** After a direct apply: say what was done and offer Undo. */
  appliedDirectly(message: string): void;
  warn(message: string): void;
  /** Watch the document's diagnostics after the fix; resolves with the verdict. */
  watch(path: string, targets: readonly FixDiagnostic[], edits: readonly TextEdit[]): Promise<OutcomeVerdict>;
}

export interface FixFlowDeps {
  backend: EditBackend;
  ui: FixUi;
  env: ChangeEnvironment;
  mode(): UiMode;
  /** Monotonic ms, for latency. */
  monotonic(): number;
  /** Epoch ms, for the outcome's timestamp. */
  now(): number;
  log: Logger;
}

export interface FixInput {
  path: string;
  languageId: string;
  text: string;
  diagnostics: FixDiagnostic[];
  recentFiles?: RecentFile[];
}

export type FixRunResult =
  | { state: 'failed'; refused: RejectedEdit[] }
  | { state: 'rejected' }
  | { state: 'applied'; direct: boolean; verdict: OutcomeVerdict; refused: RejectedEdit[] };

export async function runFix(deps: FixFlowDeps, input: FixInput, signal?: AbortSignal): Promise<FixRunResult> {
  const started = deps.monotonic();
  const result = await deps.backend.proposeFix(
    {
      document: { path: input.path, languageId: input.languageId, text: input.text },
      diagnostics: input.diagnostics,
      recentFiles: input.recentFiles ?? [],
    },
    signal,
  );
  const latencyMs = Math.max(0, Math.round(deps.monotonic() - started));
  const prepared = prepareChanges(result.changes, deps.env, () =>
    result.explanation ? `Fix: ${firstSentence(result.explanation)}` : 'Tandem fix',
  );
  const refused = [...result.rejected, ...prepared.refused];
  const report = (
    outcome: 'resolved' | 'unresolved' | 'rejected' | 'failed',
    extra: { appliedBy?: 'preview' | 'direct'; resolvedDiagnostics?: number; files?: number } = {},
  ) =>
    void deps.backend
      .reportOutcome({
        id: result.fixId,
        kind: 'fix',
        at: deps.now(),
        outcome,
        model: result.model,
        backend: result.backend,
        languageId: input.languageId,
        diagnostics: input.diagnostics.length,
        latencyMs,
        ...extra,
      })
      .catch((err: unknown) => deps.log.warn(`could not record the fix outcome: ${(err as Error).message}`));

  if (prepared.operations.length === 0) {
    deps.ui.warn(`Tandem could not fix this: ${summarizeRefusals(refused) || 'the model proposed no change.'}`);
    report('failed');
    return { state: 'failed', refused };
  }
  const direct = shouldApplyDirectly(deps.mode(), { operations: prepared.operations, refused });
  const title = result.explanation
    ? firstSentence(result.explanation)
    : `Fix ${input.diagnostics.length === 1 ? 'the problem' : `${input.diagnostics.length} problems`}`;
  const applied = await deps.ui.apply(prepared.operations, { preview: !direct, title });
  if (!applied) {
    report('rejected');
    return { state: 'rejected' };
  }
  if (refused.length > 0) deps.ui.warn(`Tandem applied part of the fix; refused: ${summarizeRefusals(refused)}`);
  if (direct) deps.ui.appliedDirectly(`Tandem fixed it: ${title}`);
  const own = prepared.operations.find((op) => op.kind === 'modify' && op.path === input.path);
  const edits = own?.kind === 'modify' ? own.edits : [];
  const verdict = await deps.ui.watch(input.path, input.diagnostics, edits);
  deps.log.info(
    `fix ${result.fixId} by ${result.model}@${result.backend}: ${verdict.outcome} (${verdict.resolved}/${verdict.targets} problems gone), proposal in ${latencyMs} ms`,
  );
  report(verdict.outcome, {
    appliedBy: direct ? 'direct' : 'preview',
    resolvedDiagnostics: verdict.resolved,
    files: prepared.operations.length,
  });
  return { state: 'applied', direct, verdict, refused };
}

/** The first sentence of the model's explanation, for titles. */
export function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const m = /^(.{1,160}?[.!?])(\s|$)/.exec(flat);
  const s = m ? m[1]! : flat.slice(0, 160);
  return s.length < flat.length && !m ? `${s}…` : s;
}
