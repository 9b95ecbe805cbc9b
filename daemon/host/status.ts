/**
 * The daemon's status (`tandem/status/get`, `tandem/status/changed`, `/ready`): ready
 * when storage is open and some healthy backend serves the completion model, with a
 * sentence per reason, and `tandem/status/changed` to subscribed sessions at most every
 * 250 ms however often something changes.
 */
import { StatusChangedNotification, type BackendStatus, type DaemonStatus } from '../../protocol';
import type { ContextEngine } from '../context/types';
import type { Metrics } from '../metrics';
import { sameModel } from '../router/backend';
import type { ModelRouter } from '../router/types';
import { DAEMON_VERSION } from '../version';
import { broadcastNotification, type NotifiableSession } from './notify';

export interface StatusInputs {
  startedAt: number;
  clients: number;
  storageOpen: boolean;
  completionModel: string;
  /** Absent until the parts are built. */
  router?: Pick<ModelRouter, 'status'>;
  context?: Pick<ContextEngine, 'semanticStatus' | 'progress'>;
}

export function daemonStatus(input: StatusInputs): DaemonStatus {
  const backends = input.router?.status() ?? [];
  const reasons: string[] = [];
  if (!input.storageOpen) reasons.push('Storage is not open.');
  const model = input.completionModel;
  const serving = backends.filter((b) => servesModel(b, model));
  if (serving.length === 0) {
    if (backends.length === 0) reasons.push('No backend is configured; add one to config.json or the tandem settings.');
    for (const b of backends) reasons.push(backendReason(b, model));
  }
  const semantic = input.context?.semanticStatus();
  const degraded = semantic && !semantic.active ? [`Retrieval is BM25-only: ${semantic.reason ?? 'no embed model'}.`] : [];
  return {
    version: DAEMON_VERSION,
    pid: process.pid,
    uptimeSec: Math.round((Date.now() - input.startedAt) / 1000),
    ready: reasons.length === 0,
    reasons: [...reasons, ...degraded],
    clients: input.clients,
    backends,
    indexing: input.context?.progress().map((p) => ({ root: p.root, filesDone: p.filesDone, filesTotal: p.filesTotal, state: p.state })),
  };
}

function servesModel(b: BackendStatus, model: string): boolean {
  if (b.health !== 'up' || b.circuit === 'open') return false;
  if (b.kind !== 'ollama' || b.models === undefined) return true;
  return b.models.some((m) => sameModel(m, model));
}

function backendReason(b: BackendStatus, model: string): string {
  if (b.health === 'unknown') return `Backend ${b.name} (${b.url}) has not been reached yet.`;
  if (b.health === 'down' || b.circuit === 'open') return `Backend ${b.name} (${b.url}) is down: ${b.lastError ?? 'no answer'}.`;
  return `Backend ${b.name} (${b.url}) does not have the completion model ${model}; run \`ollama pull ${model}\` there.`;
}

/** Coalesces status changes into one `tandem/status/changed` per `delayMs` to the sessions that asked for it. */
export class StatusBroadcaster {
  private timer?: NodeJS.Timeout;
  private disposed = false;

  constructor(
    private readonly status: () => DaemonStatus,
    private readonly sessions: () => Iterable<NotifiableSession>,
    private readonly delayMs = 250,
  ) {}

  /** Broadcast on every backend health change (and set `tandem_backend_up`) and every index progress. */
  follow(parts: { router: Pick<ModelRouter, 'onStatusChange'>; context: Pick<ContextEngine, 'onProgress'> }, metrics: Metrics): () => void {
    const offStatus = parts.router.onStatusChange((backends) => {
      for (const b of backends) metrics.backendUp.set({ backend: b.name }, b.health === 'up' && b.circuit !== 'open' ? 1 : 0);
      this.schedule();
    });
    const offProgress = parts.context.onProgress(() => this.schedule());
    return () => {
      offProgress();
      offStatus();
    };
  }

  schedule(): void {
    if (this.timer || this.disposed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      broadcastNotification(this.sessions(), StatusChangedNotification, this.status());
    }, this.delayMs);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
