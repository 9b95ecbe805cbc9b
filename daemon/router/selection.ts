/**
 * Backend selection: which backends may take a call, in which order. Enabled backends
 * whose circuit lets calls through; those known to have the model before those known
 * not to, then by priority, then healthy before failing, then observed latency (EWMA of
 * time to first token per task). Among the backends of the best priority, a session's
 * sticky backend comes first while it is healthy. A failing backend keeps its place by
 * priority so that its failures reach the circuit breaker, which then takes it out of
 * rotation until a half-open trial.
 */
import { sameModel } from './backend';
import type { TaskType } from '../../protocol';
import type { BackendEntry } from './pool';
import type { StickySessions } from './sticky';

/** A backend passed over for a call, and why (for the error that lists every backend). */
export interface SkippedBackend {
  backend: string;
  url: string;
  reason: string;
}

export interface Candidates {
  ordered: BackendEntry[];
  skipped: SkippedBackend[];
}

export function orderCandidates(
  entries: BackendEntry[],
  req: { task: TaskType; model: string; sessionKey: string | undefined },
  sticky: Pick<StickySessions, 'get'>,
  circuitReason: (entry: BackendEntry) => string,
): Candidates {
  const { task, model, sessionKey } = req;
  const skipped: SkippedBackend[] = [];
  const usable: BackendEntry[] = [];
  for (const entry of entries) {
    if (!entry.config.enabled) {
      skipped.push({ backend: entry.config.name, url: entry.config.url, reason: 'disabled in the configuration' });
    } else if (!entry.health.available()) {
      skipped.push({ backend: entry.config.name, url: entry.config.url, reason: circuitReason(entry) });
    } else usable.push(entry);
  }
  const missing = (e: BackendEntry) => (knownMissing(e, model) ? 1 : 0);
  const down = (e: BackendEntry) => (e.health.health === 'down' ? 1 : 0);
  usable.sort(
    (a, b) =>
      missing(a) - missing(b) ||
      a.config.priority - b.config.priority ||
      down(a) - down(b) ||
      (a.health.latencyFor(task) ?? 0) - (b.health.latencyFor(task) ?? 0),
  );
  if (sessionKey !== undefined && usable.length > 1) {
    // Stickiness chooses among equally preferred backends (it beats latency, not the
    // user's priorities): a session that failed over returns to its preferred backend
    // once that one takes calls again.
    const name = sticky.get(task, sessionKey);
    const idx = usable.findIndex((e) => e.config.name === name);
    const e = usable[idx];
    if (
      idx > 0 &&
      e.config.priority === usable[0].config.priority &&
      missing(e) === missing(usable[0]) &&
      e.health.health !== 'down' &&
      e.health.circuitState() === 'closed'
    ) {
      usable.unshift(...usable.splice(idx, 1));
    }
  }
  return { ordered: usable, skipped };
}

/**
 * The last probe lists the backend's models and `model` is not among them. A
 * single-model OpenAI-compatible server (llama.cpp) lists a file name and answers any
 * model name, so it never counts as missing one.
 */
export function knownMissing(e: BackendEntry, model: string): boolean {
  if (!e.probe || e.probe.models.length === 0) return false;
  if (e.client.kind === 'openai-compatible' && e.probe.models.length === 1) return false;
  return !e.probe.models.some((m) => sameModel(m.name, model));
}
