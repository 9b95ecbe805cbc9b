/**
 * Agent tasks in the user database (`agent_tasks`, `agent_steps`, `agent_tool_calls`):
 * each task's status, usage (tokens in/out, wall time, tool calls), its applied steps
 * with the before-texts (so "Undo agent changes" works after a restart) and the tool
 * calls for the stats. A task cut off by a shutdown is marked `cancelled` at the next start.
 */
import type {
  AgentStats,
  AgentStopReason,
  AgentStrategy,
  AgentTaskStatus,
  AgentTaskSummary,
  AgentToolStatus,
  FileChange,
} from '../../protocol';
import type { Db } from '../storage/db';
import { timeRangeClause } from '../storage/time-range';
import { percentile } from '../telemetry/percentiles';
import type { AppliedStep } from './change-set';

interface TaskRow {
  id: string;
  workspace: string;
  title: string;
  strategy: AgentStrategy;
  status: AgentTaskStatus | 'running';
  stop_reason: AgentStopReason | null;
  model: string;
  backend: string | null;
  started_at: number;
  finished_at: number | null;
  model_calls: number;
  tool_calls: number;
  tokens_in: number;
  tokens_out: number;
  wall_ms: number | null;
  files_changed: number;
  undone: number;
}

function toSummary(r: TaskRow): AgentTaskSummary {
  return {
    taskId: r.id,
    title: r.title,
    workspace: r.workspace,
    strategy: r.strategy,
    status: r.status,
    ...(r.stop_reason ? { stopReason: r.stop_reason } : {}),
    model: r.model,
    ...(r.backend ? { backend: r.backend } : {}),
    startedAt: r.started_at,
    ...(r.finished_at !== null ? { finishedAt: r.finished_at } : {}),
    usage: {
      modelCalls: r.model_calls,
      toolCalls: r.tool_calls,
      tokensIn: r.tokens_in,
      tokensOut: r.tokens_out,
      elapsedMs: Math.round(r.wall_ms ?? 0),
    },
    filesChanged: r.files_changed,
    undone: r.undone === 1,
  };
}

export class AgentTaskStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** Tasks left `running` by a previous daemon: they ended with it. */
  recoverInterrupted(): number {
    return this.db.prepare("UPDATE agent_tasks SET status = 'cancelled', stop_reason = 'cancelled' WHERE status = 'running'").run().changes;
  }

  has(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM agent_tasks WHERE id = ?').get(id) !== undefined;
  }

  begin(t: { id: string; workspace: string; title: string; strategy: AgentStrategy; model: string }): void {
    // A task id may be reused by a client (a retry): the old record and its steps go.
    this.db.prepare('DELETE FROM agent_tasks WHERE id = ?').run(t.id);
    this.db
      .prepare(`INSERT INTO agent_tasks (id, workspace, title, strategy, status, model, started_at) VALUES (?, ?, ?, ?, 'running', ?, ?)`)
      .run(t.id, t.workspace, t.title.slice(0, 200), t.strategy, t.model, this.now());
  }

  addStep(taskId: string, step: AppliedStep): void {
    const seq = (this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM agent_steps WHERE task_id = ?').get(taskId) as { n: number })
      .n;
    this.db
      .prepare('INSERT INTO agent_steps (task_id, seq, step_id, applied_at, changes, before) VALUES (?, ?, ?, ?, ?, ?)')
      .run(taskId, seq, step.stepId, step.appliedAt, JSON.stringify(step.changes), JSON.stringify(step.before));
  }

  steps(taskId: string): AppliedStep[] {
    const rows = this.db
      .prepare('SELECT step_id, applied_at, changes, before FROM agent_steps WHERE task_id = ? ORDER BY seq')
      .all(taskId) as Array<{
      step_id: string;
      applied_at: number;
      changes: string;
      before: string;
    }>;
    return rows.map((r) => ({
      stepId: r.step_id,
      appliedAt: r.applied_at,
      changes: JSON.parse(r.changes) as FileChange[],
      before: JSON.parse(r.before) as Record<string, string | null>,
    }));
  }

  recordToolCall(taskId: string, tool: string, status: AgentToolStatus, ms: number): void {
    this.db
      .prepare('INSERT INTO agent_tool_calls (task_id, at, tool, status, ms) VALUES (?, ?, ?, ?, ?)')
      .run(taskId, this.now(), tool.slice(0, 120), status, ms);
  }

  usage(taskId: string, u: { modelCalls: number; toolCalls: number; tokensIn: number; tokensOut: number; elapsedMs: number }): void {
    this.db
      .prepare('UPDATE agent_tasks SET model_calls = ?, tool_calls = ?, tokens_in = ?, tokens_out = ?, wall_ms = ? WHERE id = ?')
      .run(u.modelCalls, u.toolCalls, u.tokensIn, u.tokensOut, u.elapsedMs, taskId);
  }

  finish(
    taskId: string,
    r: {
      status: AgentTaskStatus;
      stopReason: AgentStopReason;
      answer: string;
      model?: string;
      backend?: string;
      filesChanged: number;
      usage: AgentTaskSummary['usage'];
    },
  ): void {
    this.usage(taskId, r.usage);
    this.db
      .prepare(
        'UPDATE agent_tasks SET status = ?, stop_reason = ?, answer = ?, model = COALESCE(?, model), backend = ?, files_changed = ?, finished_at = ? WHERE id = ?',
      )
      .run(r.status, r.stopReason, r.answer.slice(0, 100_000), r.model ?? null, r.backend ?? null, r.filesChanged, this.now(), taskId);
  }

  get(taskId: string): AgentTaskSummary | undefined {
    const row = this.db.prepare('SELECT * FROM agent_tasks WHERE id = ?').get(taskId) as TaskRow | undefined;
    return row ? toSummary(row) : undefined;
  }

  markUndone(taskId: string): boolean {
    return this.db.prepare('UPDATE agent_tasks SET undone = 1 WHERE id = ? AND undone = 0').run(taskId).changes > 0;
  }

  list(workspace: string, limit: number): AgentTaskSummary[] {
    const rows = (
      workspace === ''
        ? this.db.prepare('SELECT * FROM agent_tasks ORDER BY started_at DESC, id LIMIT ?').all(limit)
        : this.db.prepare('SELECT * FROM agent_tasks WHERE workspace = ? ORDER BY started_at DESC, id LIMIT ?').all(workspace, limit)
    ) as TaskRow[];
    return rows.map(toSummary);
  }

  stats(range: { sinceMs?: number; untilMs?: number }): AgentStats {
    const { where, args } = timeRangeClause(range, 'started_at');
    const rows = this.db
      .prepare(`SELECT status, tool_calls, tokens_in, tokens_out, wall_ms FROM agent_tasks ${where}`)
      .all(...args) as TaskRow[];
    const byStatus: AgentStats['byStatus'] = { done: 0, budget: 0, fallback: 0, cancelled: 0, failed: 0 };
    let toolCalls = 0;
    let tokensIn = 0;
    let tokensOut = 0;
    const wall: number[] = [];
    for (const r of rows) {
      if (r.status !== 'running') byStatus[r.status]++;
      toolCalls += r.tool_calls;
      tokensIn += r.tokens_in;
      tokensOut += r.tokens_out;
      if (r.wall_ms !== null && r.status !== 'running') wall.push(r.wall_ms);
    }
    wall.sort((a, b) => a - b);
    const calls = timeRangeClause(range, 'at');
    const byTool = this.db
      .prepare(
        `SELECT tool, COUNT(*) AS calls, SUM(status <> 'ok') AS failed FROM agent_tool_calls ${calls.where} GROUP BY tool ORDER BY calls DESC, tool`,
      )
      .all(...calls.args) as Array<{ tool: string; calls: number; failed: number }>;
    return {
      tasks: rows.length,
      byStatus,
      toolCalls,
      tokensIn,
      tokensOut,
      wallMs: { count: wall.length, p50: percentile(wall, 50), p95: percentile(wall, 95) },
      byTool,
    };
  }
}
