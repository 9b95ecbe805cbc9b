/**
 * The agent's Prometheus metrics: tasks by status, tokens in/out (in all, and per task),
 * wall time per task, tool calls by tool and status. Tool labels are bounded: the built-in names, `mcp`
 * for every MCP tool and `unknown` for names the model made up.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import { AgentToolNames, type AgentRunResult, type AgentToolStatus } from '../../protocol';

const NAMES = [
  'tandem_agent_tasks_total',
  'tandem_agent_tokens_total',
  'tandem_agent_task_duration_seconds',
  'tandem_agent_task_tokens',
  'tandem_agent_tool_calls_total',
] as const;

export class AgentMetrics {
  private readonly tasks: Counter<'status'>;
  private readonly tokens: Counter<'direction'>;
  private readonly duration: Histogram;
  private readonly taskTokens: Histogram;
  private readonly tools: Counter<'tool' | 'status'>;

  constructor(private readonly registry: Registry) {
    this.tasks = new Counter({ name: NAMES[0], help: 'Agent tasks by how they ended.', labelNames: ['status'], registers: [registry] });
    this.tokens = new Counter({
      name: NAMES[1],
      help: 'Tokens of agent tasks, in (prompt) and out (generated).',
      labelNames: ['direction'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: NAMES[2],
      help: 'Wall time of agent tasks.',
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800],
      registers: [registry],
    });
    this.taskTokens = new Histogram({
      name: NAMES[3],
      help: 'Tokens (in + out) per agent task.',
      buckets: [1_000, 5_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000],
      registers: [registry],
    });
    this.tools = new Counter({
      name: NAMES[4],
      help: 'Agent tool calls by tool and outcome.',
      labelNames: ['tool', 'status'],
      registers: [registry],
    });
  }

  task(r: Pick<AgentRunResult, 'status' | 'usage'>): void {
    this.tasks.inc({ status: r.status });
    this.tokens.inc({ direction: 'in' }, r.usage.tokensIn);
    this.tokens.inc({ direction: 'out' }, r.usage.tokensOut);
    this.duration.observe(r.usage.elapsedMs / 1000);
    this.taskTokens.observe(r.usage.tokensIn + r.usage.tokensOut);
  }

  failed(): void {
    this.tasks.inc({ status: 'failed' });
  }

  toolCall(tool: string, status: AgentToolStatus): void {
    const label = (AgentToolNames as readonly string[]).includes(tool) ? tool : tool.startsWith('mcp:') ? 'mcp' : 'unknown';
    this.tools.inc({ tool: label, status });
  }

  dispose(): void {
    for (const n of NAMES) this.registry.removeSingleMetric(n);
  }
}
