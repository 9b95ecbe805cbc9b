/**
 * `tandem/inlineEdit/propose`: one region of a document, the instruction (and the
 * earlier rounds of a follow-up), related definitions and project rules to the `edit`
 * model; its answer becomes the region's new text or refusals saying why
 * (`inline-answer.ts`). While the model writes, the code lines of its answer stream to
 * the client.
 */
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { ErrorCodes, TandemError, type InlineEditProposeRequest, type Range, type z } from '../../protocol';
import { contentHash, stripBom } from '../../shared/hash';
import { relatedCode } from '../edit/related';
import { requireSafe, sessionRoots } from '../edit/workspace';
import type { RequestContext } from '../server/rpc';
import { wholeLineRange } from './enclosing';
import { CodeLineStream, interpretInlineAnswer } from './inline-answer';
import { inlineEditMessages } from './prompts';
import { roundMs, type CommandsState } from './state';

type Params = z.output<typeof InlineEditProposeRequest.params>;

export async function proposeInlineEdit(
  state: CommandsState,
  params: Params,
  { session, signal }: RequestContext,
): Promise<InlineEditProposeRequest.Result> {
  const { host } = state;
  const started = performance.now();
  const roots = sessionRoots(session);
  const doc = requireSafe(params.document.path, roots, `edit ${params.document.path}`);
  const text = stripBom(params.document.text);
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const { startLine, endLine } = regionLines(params.range, lines.length);
  const region = lines.slice(startLine, endLine + 1).join('\n');
  const related = await relatedCode(host, {
    query: `${params.instruction}\n${region}`,
    path: doc.path,
    languageId: params.document.languageId,
    root: doc.root,
    roots,
    task: 'edit',
    signal,
  });
  const contextMs = performance.now() - started;
  const messages = inlineEditMessages({
    relativePath: doc.relative,
    languageId: params.document.languageId,
    lines,
    startLine,
    endLine,
    instruction: params.instruction,
    history: params.history,
    related,
  });
  const send = host.stream(session, params.streamId);
  const code = new CodeLineStream();
  const modelStarted = performance.now();
  const result = await host.router.chat({
    task: 'edit',
    messages,
    sessionKey: params.sessionKey ?? session.id,
    signal,
    onDelta: (delta) => {
      const out = code.push(delta);
      if (out !== '') send(out);
    },
  });
  const modelMs = performance.now() - modelStarted;
  const answer = interpretInlineAnswer(result.text, { text, startLine, endLine, file: basename(doc.path), path: doc.path });
  const editId = randomUUID();
  state.proposals.inc({ command: 'inlineEdit', result: answer.ok ? 'usable' : 'refused' });
  host.logger.info(
    `Inline edit ${editId}: lines ${startLine + 1}-${endLine + 1} of ${doc.relative}, ${answer.ok ? 'a proposal' : `refused (${answer.rejected.map((r) => r.kind).join(', ')})`}, by ${result.model} on ${result.backend} in ${Math.round(performance.now() - started)} ms.`,
  );
  return {
    editId,
    range: wholeLineRange(text, startLine, endLine),
    baseHash: contentHash(text),
    ...(answer.ok ? { proposal: answer.proposal } : {}),
    rejected: answer.ok ? [] : answer.rejected,
    explanation: answer.explanation,
    model: result.model,
    backend: result.backend,
    timings: { contextMs: roundMs(contextMs), modelMs: roundMs(modelMs), totalMs: roundMs(performance.now() - started) },
  };
}

/** The whole lines a range covers (an end at column 0 of a later line leaves that line out), inside the document. */
export function regionLines(range: Range, lineCount: number): { startLine: number; endLine: number } {
  const startLine = range.start.line;
  let endLine = range.end.line;
  if (range.end.character === 0 && endLine > startLine) endLine--;
  if (startLine >= lineCount || endLine >= lineCount || endLine < startLine) {
    throw new TandemError(
      ErrorCodes.InvalidParams,
      `The region (lines ${startLine + 1}-${range.end.line + 1}) is not inside the document, which has ${lineCount} lines.`,
      { hint: 'Send the document text the range refers to.' },
    );
  }
  return { startLine, endLine };
}
