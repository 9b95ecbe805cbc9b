/**
 * What the agent asks of the editor (or the terminal): apply a step's writes after the
 * user saw them, approve an action, report diagnostics. The loop depends on this
 * interface only. In the daemon, `RemoteIde` turns each into a daemon → client request
 * (`tandem/agent/applyEdits`, `approve`, `diagnostics`) when the session declared the
 * capability; `tandemd agent` implements it on the terminal (`cli/agent-ide.ts`).
 */
import {
  AgentApplyEditsRequest,
  AgentApproveRequest,
  AgentDiagnosticsRequest,
  zAgentDiagnosticsResult,
  type AgentApproval,
  type FileChange,
  type FixDiagnostic,
} from '../../protocol';
import type { FeatureHost } from '../host/types';
import type { Session } from '../server/rpc';

export interface ApplyEditsOutcome {
  outcome: 'applied' | 'rejected' | 'failed';
  reason?: string;
}

export interface ApprovalOutcome {
  decision: 'once' | 'task' | 'deny';
  reason?: string;
}

export interface AgentIde {
  /** Can apply writes (otherwise the write tools are not offered). */
  readonly canApplyEdits: boolean;
  /** Can ask the user (otherwise only allowlisted commands and trusted MCP servers run). */
  readonly canApprove: boolean;
  /** Can report the editor's problems (otherwise get_diagnostics is not offered). */
  readonly canDiagnose: boolean;
  /** Why a capability is missing, for the model and the user. */
  readonly limitation?: string;
  applyEdits(
    p: { taskId: string; stepId: string; summary: string; changes: FileChange[] },
    signal: AbortSignal,
  ): Promise<ApplyEditsOutcome>;
  approve(p: { taskId: string; approval: AgentApproval }, signal: AbortSignal): Promise<ApprovalOutcome>;
  diagnostics(p: { taskId: string; paths?: string[] }, signal: AbortSignal): Promise<Array<{ path: string; diagnostics: FixDiagnostic[] }>>;
}

/** The editor behind a session, through daemon → client requests; what it did not declare is refused with the reason. */
export class RemoteIde implements AgentIde {
  readonly canApplyEdits: boolean;
  readonly canApprove: boolean;
  readonly canDiagnose: boolean;
  readonly limitation?: string;

  constructor(
    private readonly host: FeatureHost,
    private readonly session: Session,
  ) {
    const caps = session.capabilities.agent ?? {};
    this.canApplyEdits = caps.applyEdits === true;
    this.canApprove = caps.approvals === true;
    this.canDiagnose = caps.diagnostics === true;
    const missing = [
      !this.canApplyEdits && 'apply edits',
      !this.canApprove && 'ask for approvals',
      !this.canDiagnose && 'report diagnostics',
    ].filter(Boolean);
    if (missing.length > 0) this.limitation = `This client (${session.client?.name ?? 'unknown'}) cannot ${missing.join(', ')}.`;
  }

  async applyEdits(
    p: { taskId: string; stepId: string; summary: string; changes: FileChange[] },
    signal: AbortSignal,
  ): Promise<ApplyEditsOutcome> {
    const r = await this.host.request(this.session, AgentApplyEditsRequest, p, signal);
    if (r?.outcome !== 'applied' && r?.outcome !== 'rejected' && r?.outcome !== 'failed') {
      return { outcome: 'failed', reason: 'The editor gave no valid answer to the edit request.' };
    }
    return { outcome: r.outcome, ...(typeof r.reason === 'string' ? { reason: r.reason.slice(0, 2000) } : {}) };
  }

  async approve(p: { taskId: string; approval: AgentApproval }, signal: AbortSignal): Promise<ApprovalOutcome> {
    const r = await this.host.request(this.session, AgentApproveRequest, p, signal);
    // Anything but a clear yes is a no.
    const decision = r?.decision === 'once' || r?.decision === 'task' ? r.decision : 'deny';
    return { decision, ...(typeof r?.reason === 'string' ? { reason: r.reason.slice(0, 2000) } : {}) };
  }

  async diagnostics(
    p: { taskId: string; paths?: string[] },
    signal: AbortSignal,
  ): Promise<Array<{ path: string; diagnostics: FixDiagnostic[] }>> {
    const r = await this.host.request(this.session, AgentDiagnosticsRequest, p, signal);
    const parsed = zAgentDiagnosticsResult.safeParse(r);
    if (!parsed.success) throw new Error('The editor answered the diagnostics request with something that is not a diagnostics list.');
    return parsed.data.files;
  }
}
