/**
 * `Tandem: Explain`: the selection, or the function at the cursor, is asked about in
 * the chat panel (through the chat's own ask entry point, `tandem.chat.askAboutSelection`
 * with a question and the code), where the explanation streams. The use is reported
 * `shown` when the answer is complete, else `failed` or `cancelled`. No vscode import.
 */
import type { ChatSelection } from '../../protocol';
import type { CommandsBackend } from './commands-backend';
import type { OutcomeReporter } from './outcome-reporter';
import { commandTarget, type EditorState } from './target';

/** What the chat's ask entry point reports back about the turn it ran. */
export type AskOutcome =
  | { state: 'done'; id: string; model: string; backend?: string }
  | { state: 'failed' | 'cancelled'; id?: string; model?: string; backend?: string; message?: string }
  | { state: 'busy' };

export interface ExplainDeps {
  backend: Pick<CommandsBackend, 'enclosing'>;
  ask(question: string, selection: ChatSelection): Promise<AskOutcome>;
  outcomes: OutcomeReporter;
  monotonic(): number;
  newId(): string;
}

export function explainQuestion(kind: string, name?: string): string {
  const what = name ? `\`${name}\`` : kind === 'selection' ? 'this code' : `this ${kind}`;
  return `Explain ${what}: what it does, how it works, and anything surprising or risky in it.`;
}

export async function runExplain(deps: ExplainDeps, state: EditorState): Promise<AskOutcome> {
  const started = deps.monotonic();
  const target = await commandTarget(state, deps.backend);
  const selection: ChatSelection = {
    path: state.path,
    languageId: state.languageId,
    startLine: target.startLine + 1,
    endLine: target.endLine + 1,
    text: target.text,
  };
  const outcome = await deps.ask(explainQuestion(target.kind, target.name), selection);
  if (outcome.state === 'busy') return outcome;
  deps.outcomes.report({
    id: outcome.id ?? deps.newId(),
    command: 'explain',
    outcome: outcome.state === 'done' ? 'shown' : outcome.state,
    model: outcome.model ?? 'unknown',
    ...(outcome.backend ? { backend: outcome.backend } : {}),
    languageId: state.languageId,
    latencyMs: Math.max(0, Math.round(deps.monotonic() - started)),
  });
  return outcome;
}
