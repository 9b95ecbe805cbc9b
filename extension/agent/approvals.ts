/**
 * Approval bookkeeping of agent tasks, pure: each question the daemon asks (apply these
 * writes, run this command, call this MCP tool, keep this note) waits here until the
 * user answers in the panel, a rule answers it (the command allowlist, "Allow for this
 * task", a trusted MCP server, auto-apply), or the task ends (cancelled: denied). An
 * approval is answered exactly once; a late or repeated click changes nothing. Pending
 * approvals outlive the webview (hiding the panel reloads it; it asks for them again).
 */

export type ApprovalChoice = 'allowOnce' | 'allowTask' | 'deny';

/** Who decided. */
export type DecidedBy = 'user' | 'allowlist' | 'task' | 'trusted' | 'autoApply' | 'cancelled';

export interface ApprovalDecision {
  choice: ApprovalChoice;
  by: DecidedBy;
  /** Why, for the panel and the model (e.g. the allowlist entry, "the task was cancelled"). */
  reason?: string;
}

export interface PendingApproval<Payload> {
  id: string;
  taskId: string;
  /** Asked at (ms since epoch), for ordering. */
  at: number;
  payload: Payload;
}

interface Entry<Payload> extends PendingApproval<Payload> {
  decision: Promise<ApprovalDecision>;
  resolve(d: ApprovalDecision): void;
}

export class ApprovalBook<Payload> {
  private readonly waiting = new Map<string, Entry<Payload>>();
  /** Keys allowed for the rest of a task (e.g. `command:npm test`), by task id. */
  private readonly allowances = new Map<string, Set<string>>();
  private readonly listeners = new Set<() => void>();
  private seq = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Wait for the user's answer. `id` is the approval's id (the daemon's, or made here);
   * asking again with a pending id waits for the same decision.
   */
  ask(taskId: string, payload: Payload, id = `approval-${++this.seq}`): { id: string; decision: Promise<ApprovalDecision> } {
    const existing = this.waiting.get(id);
    if (existing) return { id, decision: existing.decision };
    let resolve!: (d: ApprovalDecision) => void;
    const decision = new Promise<ApprovalDecision>((r) => (resolve = r));
    this.waiting.set(id, { id, taskId, at: this.now(), payload, decision, resolve });
    this.changed();
    return { id, decision };
  }

  /** The user's answer; false when the approval is no longer pending (answered, cancelled, unknown). */
  answer(id: string, choice: ApprovalChoice, allowKey?: string): boolean {
    const entry = this.waiting.get(id);
    if (!entry) return false;
    if (choice === 'allowTask' && allowKey !== undefined) this.allowForTask(entry.taskId, allowKey);
    this.settle(entry, { choice, by: 'user' });
    return true;
  }

  /** Answer by a rule (allowlist, trusted server, auto-apply) without the user. */
  decide(id: string, decision: ApprovalDecision): boolean {
    const entry = this.waiting.get(id);
    if (!entry) return false;
    this.settle(entry, decision);
    return true;
  }

  private settle(entry: Entry<Payload>, decision: ApprovalDecision): void {
    this.waiting.delete(entry.id);
    entry.resolve(decision);
    this.changed();
  }

  /** "Allow for this task": later questions with this key in the task are allowed without asking. */
  allowForTask(taskId: string, key: string): void {
    let keys = this.allowances.get(taskId);
    if (!keys) this.allowances.set(taskId, (keys = new Set()));
    keys.add(key);
  }

  isAllowedForTask(taskId: string, key: string): boolean {
    return this.allowances.get(taskId)?.has(key) ?? false;
  }

  /** The task ended or was cancelled: its pending approvals are denied, its allowances forgotten. */
  endTask(taskId: string, reason = 'The task was cancelled before you answered.'): number {
    let denied = 0;
    for (const entry of [...this.waiting.values()]) {
      if (entry.taskId !== taskId) continue;
      this.waiting.delete(entry.id);
      entry.resolve({ choice: 'deny', by: 'cancelled', reason });
      denied++;
    }
    this.allowances.delete(taskId);
    if (denied > 0) this.changed();
    return denied;
  }

  /** Pending approvals, oldest first (of one task, or all). */
  pending(taskId?: string): Array<PendingApproval<Payload>> {
    return [...this.waiting.values()]
      .filter((e) => taskId === undefined || e.taskId === taskId)
      .sort((a, b) => a.at - b.at)
      .map(({ id, taskId: t, at, payload }) => ({ id, taskId: t, at, payload }));
  }

  get size(): number {
    return this.waiting.size;
  }

  /** Fires after an approval was added or settled (the panel badge, the webview). */
  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private changed(): void {
    for (const l of [...this.listeners]) l();
  }
}
