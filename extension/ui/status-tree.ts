/**
 * The "Tandem" view in the Explorer (advanced and expert modes): what the daemon is
 * doing, per mode. Advanced shows state, models and the last suggestion; expert adds
 * backend health detail and the last request's timings.
 */
import type { DaemonStatus } from '../../protocol';
import type { RequestRecord } from '../completion/request-log';
import { indexingPercent } from './status-model';
import type { UiMode } from './ui-mode';

export interface TreeNode {
  label: string;
  description?: string;
  tooltip?: string;
  icon?: string;
  command?: string;
  children?: TreeNode[];
}

export interface StatusTreeInputs {
  mode: UiMode;
  connected: boolean;
  status?: DaemonStatus;
  models?: Record<string, string>;
  last?: RequestRecord;
}

export function statusTree(inputs: StatusTreeInputs): TreeNode[] {
  if (inputs.mode === 'simple') return [];
  if (!inputs.connected || !inputs.status)
    return [{ label: 'tandemd', description: 'not connected', icon: 'error', command: 'tandem.showLogs' }];
  const s = inputs.status;
  const nodes: TreeNode[] = [
    {
      label: 'tandemd',
      description: `${s.ready ? 'ready' : 'not ready'} · v${s.version}`,
      tooltip: s.reasons.join('\n') || undefined,
      icon: s.ready ? 'pass' : 'warning',
      command: 'tandem.runDoctor',
    },
  ];
  const pctIndexed = indexingPercent(s);
  if (pctIndexed !== undefined) nodes.push({ label: 'Indexing', description: `${pctIndexed}%`, icon: 'sync' });
  if (inputs.models?.complete)
    nodes.push({ label: 'Completion model', description: inputs.models.complete, icon: 'symbol-class', command: 'tandem.selectModel' });
  if (inputs.models?.chat) nodes.push({ label: 'Chat model', description: inputs.models.chat, icon: 'comment-discussion' });
  const backends: TreeNode = {
    label: 'Backends',
    icon: 'server',
    command: inputs.mode === 'expert' ? 'tandem.showBackendHealth' : 'tandem.selectBackend',
    children: s.backends.map((b) => ({
      label: b.name,
      description:
        inputs.mode === 'expert'
          ? `${b.health} · circuit ${b.circuit}${b.latencyMs !== null ? ` · ${Math.round(b.latencyMs)} ms` : ''}`
          : b.health,
      tooltip: inputs.mode === 'expert' ? [b.url, b.lastError].filter(Boolean).join('\n') : b.url,
      icon: b.health === 'up' ? 'pass' : b.health === 'down' ? 'error' : 'question',
    })),
  };
  nodes.push(backends);
  if (inputs.last) {
    const last: TreeNode = {
      label: 'Last suggestion',
      description: `${inputs.last.model} @ ${inputs.last.backend}`,
      icon: 'lightbulb',
      command: 'tandem.whyThisSuggestion',
    };
    if (inputs.mode === 'expert') {
      last.children = [
        { label: 'debounce', description: `${Math.round(inputs.last.debounceMs)} ms` },
        { label: 'context', description: `${Math.round(inputs.last.contextMs)} ms` },
        { label: 'first token', description: `${Math.round(inputs.last.firstTokenMs)} ms` },
        { label: 'total', description: `${Math.round(inputs.last.totalMs)} ms` },
        { label: 'extension overhead', description: `${inputs.last.overheadMs.toFixed(1)} ms` },
        { label: 'source', description: inputs.last.source },
      ];
    }
    nodes.push(last);
  }
  return nodes;
}
