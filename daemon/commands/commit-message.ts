/**
 * `tandem/commitMessage/generate`: the diff (fitted to the budget, `diff-summary.ts`),
 * the style of the recent subjects (`commit-style.ts`) and the branch to the `chat`
 * model. What streams is the cleaned message as it grows: a delta is sent only while
 * the cleaned text extends what was sent, so a preamble the model writes first never
 * reaches the commit box; the result holds the final message.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCodes, TandemError, type CommitMessageRequest, type z } from '../../protocol';
import type { RequestContext } from '../server/rpc';
import { cleanCommitMessage, commitStyle } from './commit-style';
import { fitDiff } from './diff-summary';
import { commitMessages } from './prompts';
import { roundMs, type CommandsState } from './state';

type Params = z.output<typeof CommitMessageRequest.params>;

/** The diff's share of the chat task's prompt budget, and its cap. */
const DIFF_SHARE = 0.7;
const DIFF_MAX_TOKENS = 12_000;
/** Texts longer than this are estimated (3 characters a token, on the safe side) instead of counted. */
const EXACT_COUNT_MAX_CHARS = 200_000;

export async function generateCommitMessage(
  state: CommandsState,
  params: Params,
  { session, signal }: RequestContext,
): Promise<CommitMessageRequest.Result> {
  const { host } = state;
  const started = performance.now();
  if (params.diff.trim() === '') {
    throw new TandemError(ErrorCodes.InvalidParams, 'The diff is empty, so there is nothing to describe.', {
      hint: 'Stage a change (or change a tracked file) first.',
    });
  }
  const cfg = host.config().tasks.chat;
  const budget = Math.min(DIFF_MAX_TOKENS, Math.floor(Math.max(0, cfg.num_ctx - cfg.num_predict) * DIFF_SHARE));
  const counter = state.counter();
  const count = (t: string) => (t.length > EXACT_COUNT_MAX_CHARS ? Math.ceil(t.length / 3) : counter.count(t));
  const fitted = fitDiff(params.diff, budget, count);
  const style = commitStyle(params.recentSubjects);
  const messages = commitMessages({
    diff: fitted.text,
    summarised: fitted.summarised,
    staged: params.staged,
    style,
    recentSubjects: params.recentSubjects.slice(0, 15),
    ...(params.branch ? { branch: params.branch } : {}),
  });
  const send = host.stream(session, params.streamId);
  let raw = '';
  let sent = '';
  const modelStarted = performance.now();
  const result = await host.router.chat({
    task: 'chat',
    messages,
    sessionKey: params.sessionKey ?? session.id,
    signal,
    onDelta: (delta) => {
      raw += delta;
      // Only once the first line is complete can a preamble or a fence be told from the subject.
      if (!raw.includes('\n')) return;
      const clean = cleanCommitMessage(raw);
      if (clean.length > sent.length && clean.startsWith(sent)) {
        send(clean.slice(sent.length));
        sent = clean;
      }
    },
  });
  const modelMs = performance.now() - modelStarted;
  const message = cleanCommitMessage(result.text);
  state.proposals.inc({ command: 'commitMessage', result: message === '' ? 'refused' : 'usable' });
  if (message === '') {
    throw new TandemError(ErrorCodes.UpstreamError, `The ${result.model} model answered without a commit message.`, {
      hint: 'Try again, or set another chat model (tandem.models.chat).',
    });
  }
  const messageId = randomUUID();
  host.logger.info(
    `Commit message ${messageId}: ${fitted.files} file(s)${fitted.summarised ? `, ${fitted.summarisedFiles} summarised` : ''}, by ${result.model} on ${result.backend} in ${Math.round(performance.now() - started)} ms.`,
  );
  return {
    messageId,
    message,
    style,
    files: fitted.files,
    summarisedFiles: fitted.summarisedFiles,
    model: result.model,
    backend: result.backend,
    timings: { modelMs: roundMs(modelMs), totalMs: roundMs(performance.now() - started) },
  };
}
