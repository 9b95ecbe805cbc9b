/**
 * Auto-fix and multi-file edits as a daemon feature: `tandem/fix/propose` (`fix.ts`),
 * `tandem/edit/plan` (`planner.ts`, plans kept in `plan-store.ts`), `tandem/edit/propose`
 * (`propose.ts`), and `tandem/fix/outcome` / `tandem/fix/stats` over the outcome store.
 *
 * The daemon proposes and never writes: every change goes back to the client, which
 * previews and applies it. Paths are confined to the roots the session registered
 * (`paths.ts`); changes to existing files carry the hash of the text they were computed
 * from, and a step whose file changed after planning is refused.
 */
import {
  EditPlanRequest,
  EditProgressNotification,
  EditProposeRequest,
  ErrorCodes,
  FixOutcomeRequest,
  FixProposeRequest,
  FixStatsRequest,
  StreamDeltaNotification,
  TandemError,
  type z,
} from '../../protocol';
import type { DaemonFeature } from '../host/types';
import { proposeFix } from './fix';
import { planEdit } from './planner';
import { proposeEdits } from './propose';
import { createEditState, disposeEditState, type EditState } from './state';

export const editFeature: DaemonFeature = {
  name: 'edit',
  capabilities: ['edit', 'fix'],
  requests: [FixProposeRequest, EditPlanRequest, EditProposeRequest, FixOutcomeRequest, FixStatsRequest],
  notifications: [StreamDeltaNotification, EditProgressNotification],
  register(host) {
    const edit = createEditState(host);
    host.handle(FixProposeRequest, (params, ctx) => proposeFix(edit, params, ctx));
    host.handle(EditPlanRequest, (params, ctx) => planEdit(edit, params, ctx));
    host.handle(EditProposeRequest, (params, ctx) => proposeEdits(edit, params, ctx));
    host.handle(FixOutcomeRequest, (params) => recordOutcome(edit, params));
    host.handle(FixStatsRequest, (params) => edit.outcomes.stats(params));
    return { dispose: () => disposeEditState(edit) };
  },
};

/** `tandem/fix/outcome`: whether an applied fix resolved its diagnostic, or how an edit ended. */
function recordOutcome(edit: EditState, params: z.output<typeof FixOutcomeRequest.params>): FixOutcomeRequest.Result {
  try {
    edit.outcomes.record(params);
    edit.outcomeCounts.inc({ kind: params.kind, outcome: params.outcome });
  } catch (err) {
    throw new TandemError(ErrorCodes.StorageError, `Could not store the outcome: ${(err as Error).message}`, { cause: err });
  }
  return { stored: true };
}
