/**
 * `tandem/fix/propose`: the document, its diagnostics and related code to the `fix`
 * model, whose edit blocks become one change to that document only (or a refusal
 * saying why there is nothing to apply).
 */
import { randomUUID } from 'node:crypto';
import type { FixProposeRequest, FixDiagnostic, z } from '../../protocol';
import type { RequestContext } from '../server/rpc';
import { changesFromAnswer } from './changes';
import { parseEditResponse } from './format';
import { stripBom } from '../../shared/hash';
import { fixMessages } from './prompts';
import { relatedCode } from './related';
import { proposalTimings, type EditState } from './state';
import { requireSafe, sessionRoots } from './workspace';

export async function proposeFix(
  edit: EditState,
  params: z.output<typeof FixProposeRequest.params>,
  { session, signal }: RequestContext,
): Promise<FixProposeRequest.Result> {
  const { host } = edit;
  const started = performance.now();
  const roots = sessionRoots(session);
  const doc = requireSafe(params.document.path, roots, `fix ${params.document.path}`);
  const text = stripBom(params.document.text);
  const diagnostics = params.diagnostics;
  const relatedText = await relatedCode(host, {
    query: diagnosticsQuery(text, diagnostics),
    path: doc.path,
    languageId: params.document.languageId,
    root: doc.root,
    roots,
    task: 'fix',
    signal,
  });
  const contextMs = performance.now() - started;
  const messages = fixMessages({
    relativePath: doc.relative,
    languageId: params.document.languageId,
    text,
    diagnostics,
    related: relatedText,
  });
  const modelStarted = performance.now();
  const result = await host.router.chat({
    task: 'fix',
    messages,
    sessionKey: params.sessionKey ?? session.id,
    signal,
    onDelta: host.stream(session, params.streamId),
  });
  const modelMs = performance.now() - modelStarted;
  const parsed = parseEditResponse(result.text);
  const proposed = changesFromAnswer(parsed, {
    roots,
    defaultPath: doc.path,
    allowedPaths: [doc.path],
    partial: true,
    acceptWholeFile: true,
    readText: (p) => (p === doc.path ? text : undefined),
  });
  if (proposed.changes.length === 0 && proposed.rejected.length === 0) {
    proposed.rejected.push({
      kind: 'model_error',
      reason: `The ${result.model} model answered without any edit block, so there is nothing to apply.`,
      path: doc.path,
    });
  }
  const fixId = randomUUID();
  edit.proposals.inc({ kind: 'fix', result: proposed.changes.length > 0 ? 'changes' : 'none' });
  host.logger.info(
    `Fix ${fixId}: ${diagnostics.length} problem(s) in ${doc.relative}, ${proposed.changes.length > 0 ? (proposed.changes[0] as { edits: unknown[] }).edits.length : 0} edit(s), ${proposed.rejected.length} refused, by ${result.model} on ${result.backend} in ${Math.round(performance.now() - started)} ms.`,
  );
  return {
    fixId,
    changes: proposed.changes,
    rejected: proposed.rejected,
    explanation: parsed.prose,
    model: result.model,
    backend: result.backend,
    timings: proposalTimings(started, contextMs, modelMs),
  };
}

/** The retrieval query: each problem's message and the lines around it. */
function diagnosticsQuery(text: string, diagnostics: readonly FixDiagnostic[]): string {
  const lines = text.split('\n');
  return diagnostics
    .map((d) => `${d.message}\n${lines.slice(Math.max(0, d.range.start.line - 2), d.range.end.line + 3).join('\n')}`)
    .join('\n');
}
