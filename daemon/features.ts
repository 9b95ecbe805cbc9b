/**
 * Every feature the daemon serves, in registration order (disposed in reverse). A
 * feature is a folder with a `feature.ts` exporting one `DaemonFeature`
 * (`host/types.ts`); adding one is that folder plus a line here (docs/recipes.md).
 */
import { agentFeature } from './agent/feature';
import { chatFeature } from './chat/feature';
import { commandsFeature } from './commands/feature';
import { completionFeature } from './completion/feature';
import { contextFeature } from './context/feature';
import { editFeature } from './edit/feature';
import type { DaemonFeature } from './host/types';
import { lifecycleFeature } from './lifecycle/feature';
import { memoryFeature } from './memory/feature';
import { nextEditFeature } from './next-edit/feature';
import { opsFeature } from './ops/feature';
import { telemetryFeature } from './telemetry/feature';

export const daemonFeatures: readonly DaemonFeature[] = [
  lifecycleFeature,
  completionFeature,
  nextEditFeature,
  contextFeature,
  telemetryFeature,
  chatFeature,
  editFeature,
  opsFeature,
  commandsFeature,
  memoryFeature,
  agentFeature,
];
