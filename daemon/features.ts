/**
 * Feature modules that plug protocol handlers into the daemon (see DaemonHost).
 * Each entry registers its handlers and returns an optional disposer.
 */
import type { DaemonHost } from './daemon';
import { registerChat } from './chat/chat';
import { registerEdits } from './edit/edits';
import { telemetryFeature } from './telemetry';
import { opsFeature } from './ops';

export const daemonExtensions: Array<(host: DaemonHost) => void | (() => void | Promise<void>)> = [
  telemetryFeature,
  registerChat,
  registerEdits,
  opsFeature,
];
