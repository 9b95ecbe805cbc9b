/**
 * A scripted editor for agent tests: connects with the agent capabilities and answers
 * the daemon's requests as the extension would — applies a step's changes to disk
 * (checking each `baseHash`) or rejects them, answers approvals by a policy, reports
 * scripted diagnostics — and records every `tandem/agent/event` in order.
 */
import {
  AgentApplyEditsRequest,
  AgentApproveRequest,
  AgentDiagnosticsRequest,
  AgentEventNotification,
  type AgentApproval,
  type AgentEvent,
  type FileChange,
  type FixDiagnostic,
} from '../../protocol';
import type { DaemonConnection } from '../../protocol/client';
import { applyChangesToDisk } from '../../daemon/agent/disk-apply';
import type { RunningDaemon } from './daemon-harness';

export interface EditorScript {
  /** Answer to each step (default: apply). */
  edits?: (changes: FileChange[]) => 'apply' | 'reject';
  /** Answer to each approval (default: deny). */
  approve?: (a: AgentApproval) => 'once' | 'task' | 'deny';
  diagnostics?: Array<{ path: string; diagnostics: FixDiagnostic[] }>;
  capabilities?: { applyEdits?: boolean; approvals?: boolean; diagnostics?: boolean };
}

export interface ScriptedEditor {
  conn: DaemonConnection;
  events: Array<{ taskId: string; seq: number; event: AgentEvent }>;
  approvals: AgentApproval[];
  steps: FileChange[][];
  of<K extends AgentEvent['kind']>(kind: K): Array<Extract<AgentEvent, { kind: K }>>;
}

export async function connectEditor(daemon: RunningDaemon, roots: string[], script: EditorScript = {}): Promise<ScriptedEditor> {
  const conn = await daemon.connect({
    name: 'agent-test-editor',
    capabilities: { agent: script.capabilities ?? { applyEdits: true, approvals: true, diagnostics: true } },
  });
  const editor: ScriptedEditor = {
    conn,
    events: [],
    approvals: [],
    steps: [],
    of: (kind) => editor.events.map((e) => e.event).filter((e) => e.kind === kind) as never,
  };
  conn.connection.onNotification(AgentEventNotification.type, (p) => editor.events.push(p));
  conn.connection.onRequest(AgentApplyEditsRequest.type, (p) => {
    editor.steps.push(p.changes as FileChange[]);
    if ((script.edits?.(p.changes as FileChange[]) ?? 'apply') === 'reject') return { outcome: 'rejected', reason: 'not like this' };
    const r = applyChangesToDisk(p.changes as FileChange[], roots);
    return r.ok ? { outcome: 'applied' } : { outcome: 'failed', reason: r.reason };
  });
  conn.connection.onRequest(AgentApproveRequest.type, (p) => {
    const approval = p.approval as AgentApproval;
    editor.approvals.push(approval);
    return { decision: script.approve?.(approval) ?? 'deny' };
  });
  conn.connection.onRequest(AgentDiagnosticsRequest.type, () => ({ files: script.diagnostics ?? [] }));
  return editor;
}
