/**
 * The daemon's status (`tandem/status/get`, `tandem/status/changed`, `/ready`): ready
 * when storage is open and some healthy backend serves the completion model, with a
 * sentence per reason, and `tandem/status/changed` to subscribed sessions at most every
 * 250 ms however often something changes. Token holders get backend URLs, last errors
 * and the indexed roots; `/ready` without the token gets only ready and reasons naming
 * backends (`publicReadiness`).
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
  /** Applied to every text the status carries (the daemon's `redact`, with its backends' credentials). */
  redact?: (text: string) => string;
}

/** The status for token holders (`tandem/status/get`, `tandem/status/changed`, `/ready` with the token). */
export function daemonStatus(input: StatusInputs): DaemonStatus {
  const clean = input.redact ?? ((t: string) => t);
  const backends = (input.router?.status() ?? []).map((b) => (b.lastError === undefined ? b : { ...b, lastError: clean(b.lastError) }));
  const semantic = input.context?.semanticStatus();
  const { blocking, degraded } = statusReasons(input, backends, semantic, true);
  return {
    version: DAEMON_VERSION,
    pid: process.pid,
    uptimeSec: Math.round((Date.now() - input.startedAt) / 1000),
    ready: blocking.length === 0,
    reasons: [...blocking, ...degraded].map(clean),
    clients: input.clients,
    backends,
    indexing: input.context?.progress().map((p) => ({ root: p.root, filesDone: p.filesDone, filesTotal: p.filesTotal, state: p.state })),
  };
}

/**
 * What `/ready` tells anyone on this machine without the token: ready or not, and why
 * in sentences that name backends but hold no URL, error text or path.
 */
export function publicReadiness(input: StatusInputs): { ready: boolean; reasons: string[] } {
  const backends = input.router?.status() ?? [];
  const semantic = input.context?.semanticStatus();
  const { blocking, degraded } = statusReasons(input, backends, semantic, false);
  return { ready: blocking.length === 0, reasons: [...blocking, ...degraded] };
}

/** Why the daemon is not ready, and why retrieval is degraded, with or without URLs and errors. */
function statusReasons(
  input: StatusInputs,
  backends: BackendStatus[],
  semantic: { active: boolean; reason?: string } | undefined,
  detail: boolean,
): { blocking: string[]; degraded: string[] } {
  const reasons: string[] = [];
  if (!input.storageOpen) reasons.push('Storage is not open.');
  const model = input.completionModel;
  const serving = backends.filter((b) => servesModel(b, model));
  if (serving.length === 0) {
    if (backends.length === 0) reasons.push('No backend is configured; add one to config.json or the tandem settings.');
    for (const b of backends) reasons.push(backendReason(b, model, detail));
  }
  const degraded: string[] = [];
  if (semantic && !semantic.active) {
    degraded.push(detail ? `Retrieval is BM25-only: ${semantic.reason ?? 'no embed model'}.` : 'Retrieval is BM25-only.');
  }
  return { blocking: reasons, degraded };
}

function servesModel(b: BackendStatus, model: string): boolean {
  if (b.health !== 'up' || b.circuit === 'open') return false;
  if (b.kind !== 'ollama' || b.models === undefined) return true;
  return b.models.some((m) => sameModel(m, model));
}

function backendReason(b: BackendStatus, model: string, detail: boolean): string {
  const where = detail ? `Backend ${b.name} (${b.url})` : `Backend ${b.name}`;
  if (b.health === 'unknown') return `${where} has not been reached yet.`;
  if (b.health === 'down' || b.circuit === 'open') return detail ? `${where} is down: ${b.lastError ?? 'no answer'}.` : `${where} is down.`;
  return `${where} does not have the completion model ${model}; run \`ollama pull ${model}\` there.`;
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
