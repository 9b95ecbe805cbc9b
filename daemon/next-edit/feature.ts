/**
 * Next-edit suggestions as a daemon feature: `tandem/nextEdit/suggest` (`suggest.ts`),
 * the raw answer streamed as `tandem/stream/delta` when the request names a stream.
 */
import { NextEditRequest, StreamDeltaNotification } from '../../protocol';
import type { DaemonFeature } from '../host/types';
import { createNextEditState } from './state';
import { suggestNextEdit } from './suggest';

export const nextEditFeature: DaemonFeature = {
  name: 'next-edit',
  capabilities: ['nextEdit'],
  requests: [NextEditRequest],
  notifications: [StreamDeltaNotification],
  register(host) {
    const state = createNextEditState(host);
    host.handle(NextEditRequest, (params, ctx) => suggestNextEdit(state, params, ctx));
    return { dispose: () => state.dispose() };
  },
};
