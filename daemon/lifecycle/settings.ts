/**
 * `tandem/settings/update`: a client's settings overlaid on config.json (in memory), the
 * router reconfigured, subscribed clients told, and the effective routing returned.
 */
import { TaskTypes, type SettingsUpdateRequest, type TaskType, type z } from '../../protocol';
import type { TandemConfig } from '../config';
import type { FeatureHost } from '../host/types';
import { displayUrl } from '../../shared/url';
import type { RequestContext } from '../server/rpc';

export function updateSettings(
  host: FeatureHost,
  params: z.output<typeof SettingsUpdateRequest.params>,
  { session }: RequestContext,
): SettingsUpdateRequest.Result {
  const config = host.daemon.applySettings(params);
  host.router.reconfigure(config);
  host.logger.info(
    `Settings updated by ${session.client?.name ?? 'a client'}: backends ${config.backends.map((b) => `${b.name}=${displayUrl(b.url)}`).join(', ')}`,
  );
  host.statusChanged();
  return routingSummary(config);
}

/** The enabled backends (credential-free URLs) and the model of every task. */
export function routingSummary(config: TandemConfig): SettingsUpdateRequest.Result {
  const models = {} as Record<TaskType, string>;
  for (const t of TaskTypes) models[t] = config.tasks[t].model;
  return {
    backends: config.backends
      .filter((b) => b.enabled)
      .map((b) => ({ name: b.name, url: displayUrl(b.url), kind: b.kind, priority: b.priority })),
    models,
  };
}
