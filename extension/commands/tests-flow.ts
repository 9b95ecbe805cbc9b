/**
 * `Tandem: Generate Tests`: the function at the cursor (or the selection) goes to the
 * daemon, which picks the framework and the test file; the proposed new file or edit is
 * checked again like every edit (paths, hashes: `edit/workspace-changes.ts`) and shown
 * in the refactor preview. Applied is `accepted`, declined `rejected`, nothing usable
 * `failed`. No vscode import.
 */
import { isCancellation, type OpenDocument, type RecentFile, type TestsGenerateRequest } from '../../protocol';
import { prepareChanges, summarizeRefusals, type ChangeEnvironment, type PreparedOperation } from '../edit/workspace-changes';
import type { CommandsBackend } from './commands-backend';
import type { OutcomeReporter } from './outcome-reporter';
import { commandTarget, type EditorState } from './target';

export interface TestsUi {
  /** Preview the operations (every entry needs confirmation); true when applied. */
  apply(operations: PreparedOperation[], title: string): Promise<boolean>;
  warn(message: string): void;
  /** After applying: open the test file. */
  open(path: string): Promise<void>;
}

export interface TestsFlowDeps {
  backend: Pick<CommandsBackend, 'enclosing' | 'generateTests'>;
  ui: TestsUi;
  env: ChangeEnvironment;
  outcomes: OutcomeReporter;
  documents(): OpenDocument[];
  recentFiles(path: string): RecentFile[];
  monotonic(): number;
}

export async function runGenerateTests(
  deps: TestsFlowDeps,
  state: EditorState,
  signal?: AbortSignal,
): Promise<{ outcome: 'accepted' | 'rejected' | 'failed' | 'cancelled'; result?: TestsGenerateRequest.Result }> {
  const started = deps.monotonic();
  let result: TestsGenerateRequest.Result;
  try {
    const target = await commandTarget(state, deps.backend, signal);
    result = await deps.backend.generateTests(
      {
        document: { path: state.path, languageId: state.languageId, text: state.text },
        range: {
          start: { line: target.startLine, character: 0 },
          end: { line: target.endLine, character: (target.text.split('\n').pop() ?? '').length },
        },
        ...(target.name ? { name: target.name } : {}),
        documents: deps.documents(),
        recentFiles: deps.recentFiles(state.path),
      },
      signal,
    );
  } catch (err) {
    if (signal?.aborted || isCancellation(err)) return { outcome: 'cancelled' };
    throw err;
  }
  const latencyMs = Math.max(0, Math.round(deps.monotonic() - started));
  const report = (outcome: 'accepted' | 'rejected' | 'failed') =>
    deps.outcomes.report({
      id: result.testsId,
      command: 'generateTests',
      outcome,
      model: result.model,
      backend: result.backend,
      languageId: state.languageId,
      latencyMs,
    });
  const what = `${result.setup.framework} test${result.setup.exists ? ` added to ${result.setup.relativeTestPath}` : ` in a new ${result.setup.relativeTestPath}`}`;
  const prepared = prepareChanges(result.changes, deps.env, () => `Tandem: ${what}`);
  const refused = [...result.rejected, ...prepared.refused];
  if (prepared.operations.length === 0) {
    deps.ui.warn(`Tandem could not write the test: ${summarizeRefusals(refused) || 'the model proposed nothing.'}`);
    report('failed');
    return { outcome: 'failed', result };
  }
  const applied = await deps.ui.apply(prepared.operations, `${what} (${result.setup.evidence[0] ?? 'detected'})`);
  report(applied ? 'accepted' : 'rejected');
  if (applied) await deps.ui.open(prepared.operations[0]!.path);
  return { outcome: applied ? 'accepted' : 'rejected', result };
}
