/**
 * Inline completion as a daemon feature: `tandem/completion/inline`, its deltas streamed
 * as `tandem/stream/delta` while the FIM call runs (`inline.ts`), and
 * `tandem/completion/prepare`, a document's context assembled before its first completion.
 */
import { InlineCompletionRequest, PrepareCompletionRequest, StreamDeltaNotification } from '../../protocol';
import type { DaemonFeature, FeatureHost } from '../host/types';
import type { RequestContext } from '../server/rpc';
import { runInlineCompletion, runPrepareCompletion, type CompletionDeps, type CompletionParams } from './inline';

export const completionFeature: DaemonFeature = {
  name: 'completion',
  capabilities: ['completion', 'completionPrepare'],
  requests: [InlineCompletionRequest, PrepareCompletionRequest],
  notifications: [StreamDeltaNotification],
  register(host) {
    const deps: CompletionDeps = {
      router: host.router,
      context: host.context,
      config: () => host.config(),
      contextDeadlineMs: host.completionDeadlineMs,
    };
    host.handle(InlineCompletionRequest, (params, ctx) => completeInline(host, deps, params as CompletionParams, ctx));
    host.handle(PrepareCompletionRequest, (params, { session, signal }) =>
      runPrepareCompletion(deps, { params: params as CompletionParams, roots: [...session.roots], signal }),
    );
    return { dispose: () => undefined };
  },
};

/** `tandem/completion/inline`: context under the deadline, then the streamed FIM call. */
function completeInline(
  host: FeatureHost,
  deps: CompletionDeps,
  params: CompletionParams,
  { session, signal }: RequestContext,
): Promise<InlineCompletionRequest.Result> {
  return runInlineCompletion(deps, {
    params,
    sessionKey: session.id,
    roots: [...session.roots],
    signal,
    onDelta: host.stream(session, params.streamId),
  });
}
