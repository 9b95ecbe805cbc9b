/**
 * "Tandem: Edit Files…" from the instruction to the applied WorkspaceEdit:
 * plan (the daemon validates paths and the task graph) → propose per step with
 * progress → check every change again (paths, hashes) → apply all of them as one
 * WorkspaceEdit that needs confirmation (VS Code's refactor preview lists every file;
 * accepting applies atomically, undo reverts it in one step) → record the outcome.
 * Refused steps and changes are reported with their reasons. Plain Node testable.
 */
import type { EditPlanRequest, EditProposeRequest, OpenDocument, RejectedEdit } from '../../protocol';
import type { Logger } from '../log';
import type { EditBackend } from './edit-backend';
import { prepareChanges, summarizeRefusals, type ChangeEnvironment, type PreparedOperation } from './workspace-changes';

export interface EditUi {
  /** Progress text, with the share of the work done (0..1) when known. */
  progress(message: string, fraction?: number): void;
  apply(operations: PreparedOperation[], opts: { preview: true; title: string }): Promise<boolean>;
  warn(message: string): void;
}

export interface EditFlowDeps {
  backend: EditBackend;
  ui: EditUi;
  env: ChangeEnvironment;
  /** Unsaved text of open documents in the workspace, read when called. */
  documents(): OpenDocument[];
  monotonic(): number;
  now(): number;
  log: Logger;
}

export interface EditInput {
  instruction: string;
  files: string[];
  activePath?: string;
  root?: string;
}

export type EditRunResult =
  | { state: 'failed'; refused: RejectedEdit[]; plan?: EditPlanRequest.Result }
  | {
      state: 'rejected' | 'applied';
      refused: RejectedEdit[];
      plan: EditPlanRequest.Result;
      proposal: EditProposeRequest.Result;
      operations: PreparedOperation[];
    };

export async function runEditFiles(deps: EditFlowDeps, input: EditInput, signal?: AbortSignal): Promise<EditRunResult> {
  const started = deps.monotonic();
  deps.ui.progress('Planning the change…');
  const plan = await deps.backend.plan(
    {
      instruction: input.instruction,
      files: input.files,
      documents: deps.documents(),
      ...(input.activePath !== undefined ? { activePath: input.activePath } : {}),
      ...(input.root !== undefined ? { root: input.root } : {}),
    },
    signal,
  );
  const report = (outcome: 'applied' | 'rejected' | 'failed', model: string, backend: string, files: number) =>
    void deps.backend
      .reportOutcome({
        id: plan.planId,
        kind: 'edit',
        at: deps.now(),
        outcome,
        model,
        backend,
        files,
        latencyMs: Math.max(0, Math.round(deps.monotonic() - started)),
        ...(outcome === 'applied' ? { appliedBy: 'preview' as const } : {}),
      })
      .catch((err: unknown) => deps.log.warn(`could not record the edit outcome: ${(err as Error).message}`));

  if (plan.steps.length === 0) {
    deps.ui.warn(`Tandem has no change it may make: ${summarizeRefusals(plan.rejected) || 'the plan was empty.'}`);
    report('failed', plan.model, plan.backend, 0);
    return { state: 'failed', refused: plan.rejected, plan };
  }
  deps.log.info(
    `edit plan ${plan.planId} "${plan.summary}": ${plan.steps.map((s) => `${s.action} ${s.relativePath}`).join(', ')}${plan.rejected.length > 0 ? `; refused: ${plan.rejected.map((r) => r.reason).join(' ')}` : ''}`,
  );
  const total = plan.steps.length;
  deps.ui.progress(`Editing ${total} file${total === 1 ? '' : 's'}…`, 0);
  const relative = new Map(plan.steps.map((s) => [s.id, s.relativePath]));
  const proposal = await deps.backend.propose(
    { planId: plan.planId, documents: deps.documents() },
    (p) => {
      if (p.state === 'running')
        deps.ui.progress(
          `${actionVerb(plan, p.stepId)} ${relative.get(p.stepId) ?? p.path} (${p.index + 1}/${p.total})…`,
          p.index / p.total,
        );
    },
    signal,
  );
  const prepared = prepareChanges(proposal.changes, deps.env);
  const refused = [...plan.rejected, ...proposal.rejected, ...prepared.refused];
  if (prepared.operations.length === 0) {
    deps.ui.warn(`Tandem could not make the change: ${summarizeRefusals(refused) || 'no edit was proposed.'}`);
    report('failed', proposal.model, proposal.backend, 0);
    return { state: 'failed', refused, plan };
  }
  deps.ui.progress('Review the changes in the preview…', 1);
  const applied = await deps.ui.apply(prepared.operations, { preview: true, title: plan.summary || input.instruction.slice(0, 80) });
  if (refused.length > 0)
    deps.ui.warn(`${refused.length} proposed change${refused.length === 1 ? ' was' : 's were'} refused: ${summarizeRefusals(refused)}`);
  report(applied ? 'applied' : 'rejected', proposal.model, proposal.backend, prepared.operations.length);
  return { state: applied ? 'applied' : 'rejected', refused, plan, proposal, operations: prepared.operations };
}

function actionVerb(plan: EditPlanRequest.Result, stepId: string): string {
  const action = plan.steps.find((s) => s.id === stepId)?.action;
  return action === 'create' ? 'Writing' : action === 'delete' ? 'Deleting' : action === 'rename' ? 'Renaming' : 'Editing';
}
