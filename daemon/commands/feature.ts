/**
 * The everyday commands as a daemon feature: the code around a position
 * (`tandem/code/enclosing`, `enclosing.ts`), inline edit (`inline-edit.ts`), commit
 * messages (`commit-message.ts`), generated tests (`tests.ts`), and their outcomes and
 * statistics (`outcomes.ts`, counters in `state.ts`). Explain is a chat turn and needs
 * nothing here but the enclosing function and the outcome.
 *
 * Like auto-fix, the commands only propose: the client shows, applies or discards.
 */
import {
  CodeEnclosingRequest,
  CommandOutcomeRequest,
  CommandStatsRequest,
  CommitMessageRequest,
  ErrorCodes,
  InlineEditProposeRequest,
  StreamDeltaNotification,
  TandemError,
  TestsGenerateRequest,
  type z,
} from '../../protocol';
import { stripBom } from '../../shared/hash';
import type { DaemonFeature } from '../host/types';
import { generateCommitMessage } from './commit-message';
import { findEnclosing, wholeLineRange } from './enclosing';
import { proposeInlineEdit } from './inline-edit';
import { createCommandsState, disposeCommandsState, modelLabel, type CommandsState } from './state';
import { generateTests } from './tests';

export const commandsFeature: DaemonFeature = {
  name: 'commands',
  capabilities: ['code', 'inlineEdit', 'commitMessage', 'tests', 'commands'],
  requests: [
    CodeEnclosingRequest,
    InlineEditProposeRequest,
    CommitMessageRequest,
    TestsGenerateRequest,
    CommandOutcomeRequest,
    CommandStatsRequest,
  ],
  notifications: [StreamDeltaNotification],
  register(host) {
    const state = createCommandsState(host);
    host.handle(CodeEnclosingRequest, (params) => enclosing(params));
    host.handle(InlineEditProposeRequest, (params, ctx) => proposeInlineEdit(state, params, ctx));
    host.handle(CommitMessageRequest, (params, ctx) => generateCommitMessage(state, params, ctx));
    host.handle(TestsGenerateRequest, (params, ctx) => generateTests(state, params, ctx));
    host.handle(CommandOutcomeRequest, (params) => recordOutcome(state, params));
    host.handle(CommandStatsRequest, (params) => state.outcomes.stats(params));
    return { dispose: () => disposeCommandsState(state) };
  },
};

/** `tandem/code/enclosing`: the declaration or block around a position, in whole lines. */
async function enclosing(params: z.output<typeof CodeEnclosingRequest.params>): Promise<CodeEnclosingRequest.Result> {
  const text = stripBom(params.document.text);
  const found = await findEnclosing(text, params.document.languageId, params.position.line);
  return {
    range: wholeLineRange(text, found.startLine, found.endLine),
    kind: found.kind,
    ...(found.name !== undefined ? { name: found.name } : {}),
    parser: found.parser,
  };
}

/** `tandem/commands/outcome`: stored, counted with bounded labels, its latency observed. */
function recordOutcome(state: CommandsState, params: z.output<typeof CommandOutcomeRequest.params>): CommandOutcomeRequest.Result {
  let first: boolean;
  try {
    first = state.outcomes.record(params);
  } catch (err) {
    throw new TandemError(ErrorCodes.StorageError, `Could not store the outcome: ${(err as Error).message}`, { cause: err });
  }
  const model = modelLabel(state.host, params.model);
  state.outcomeCounts.inc({ command: params.command, outcome: params.outcome, model });
  // A use counts, and its latency is observed, once: at its first report (a commit message is reported shown, then accepted).
  if (first) {
    state.uses.inc({ command: params.command, model });
    state.latency.observe({ command: params.command, model }, params.latencyMs / 1000);
  }
  return { stored: true };
}
