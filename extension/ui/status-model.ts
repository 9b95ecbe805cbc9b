/**
 * What the status bar item says, from the connection, the daemon's status and the UI
 * mode. Pure, so the mapping (and the difference between modes) is tested in Node.
 */
import type { DaemonStatus } from '../../protocol';
import { surfaceFor, type UiMode } from './ui-mode';

export type StatusState = 'disabled' | 'starting' | 'daemon-down' | 'backend-down' | 'indexing' | 'ready';

export interface StatusInputs {
  mode: UiMode;
  /** `tandem.enable` for the active editor's language. */
  enabled: boolean;
  connection: 'idle' | 'connecting' | 'connected' | 'waiting' | 'failed' | 'disposed';
  status?: DaemonStatus;
  /** The completion model in effect (from `tandem/settings/update`). */
  model?: string;
  last?: { backend: string; model: string; totalMs: number };
  /** The latest connection problem, for the tooltip. */
  connectionError?: string;
}

export interface StatusView {
  state: StatusState;
  text: string;
  tooltip: string;
  /** Background emphasis: warning for degraded states, error when nothing works. */
  emphasis: 'none' | 'warning' | 'error';
}

const icons: Record<StatusState, string> = {
  disabled: '$(circle-slash)',
  starting: '$(loading~spin)',
  'daemon-down': '$(error)',
  'backend-down': '$(warning)',
  indexing: '$(sync~spin)',
  ready: '$(sparkle)',
};

const modeNames: Record<UiMode, string> = { simple: 'Simple', advanced: 'Advanced', expert: 'Expert' };

export function indexingPercent(status: DaemonStatus | undefined): number | undefined {
  const active = status?.indexing?.filter((i) => i.state === 'indexing') ?? [];
  if (active.length === 0) return undefined;
  const total = active.reduce((n, i) => n + i.filesTotal, 0);
  const done = active.reduce((n, i) => n + i.filesDone, 0);
  return total === 0 ? 0 : Math.min(99, Math.floor((done / total) * 100));
}

export function statusState(inputs: StatusInputs): StatusState {
  if (!inputs.enabled) return 'disabled';
  if (inputs.connection === 'failed') return 'daemon-down';
  if (inputs.connection !== 'connected' || !inputs.status) {
    return inputs.connection === 'waiting' ? 'daemon-down' : 'starting';
  }
  if (!inputs.status.ready) return 'backend-down';
  if (indexingPercent(inputs.status) !== undefined) return 'indexing';
  return 'ready';
}

export function statusView(inputs: StatusInputs): StatusView {
  const state = statusState(inputs);
  const detail = surfaceFor(inputs.mode).statusBar;
  const parts: string[] = [`${icons[state]} Tandem`];
  const label: Record<StatusState, string> = {
    disabled: 'disabled',
    starting: 'starting',
    'daemon-down': 'daemon down',
    'backend-down': 'backend down',
    indexing: `indexing ${indexingPercent(inputs.status) ?? 0}%`,
    ready: '',
  };
  if (label[state] !== '') parts.push(label[state]);
  if (detail.modeLabel) parts.push(`[${modeNames[inputs.mode]}]`);
  const model = inputs.last?.model ?? inputs.model;
  if (detail.model && model && state !== 'disabled') parts.push(model);
  if (detail.backend && inputs.last && state !== 'disabled') parts.push(`@${inputs.last.backend}`);
  if (detail.latency && inputs.last && state !== 'disabled') parts.push(`${Math.round(inputs.last.totalMs)} ms`);

  const tooltip: string[] = [`Tandem — ${modeNames[inputs.mode]} mode. Click for the menu.`];
  if (state === 'disabled') tooltip.push('Inline completions are off for this language (tandem.enable).');
  if (state === 'starting') tooltip.push('Connecting to tandemd…');
  if (state === 'daemon-down') tooltip.push(inputs.connectionError ?? 'tandemd is not reachable.');
  for (const reason of inputs.status?.reasons ?? []) tooltip.push(reason);
  if (inputs.status && inputs.mode === 'expert') {
    for (const b of inputs.status.backends) {
      tooltip.push(
        `${b.name} (${b.url}): ${b.health}, circuit ${b.circuit}${b.latencyMs !== null ? `, ${Math.round(b.latencyMs)} ms` : ''}`,
      );
    }
  }
  const emphasis: StatusView['emphasis'] = state === 'daemon-down' ? 'error' : state === 'backend-down' ? 'warning' : 'none';
  return { state, text: parts.join(' '), tooltip: tooltip.join('\n'), emphasis };
}
