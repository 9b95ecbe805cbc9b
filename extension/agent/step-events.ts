/**
 * The daemon's agent events (`tandem/agent/event`) as the panel's step views: the
 * model's words between tool calls, each tool call with a one-line summary of its
 * arguments and its result, command output as it arrives, the plan, the budget used,
 * compaction and notices. Pure: one `StepTranslator` per task turns each event into
 * the webview messages that show it.
 */
import type { AgentEvent, AgentRunResult, AgentToolCallInfo, AgentUsage } from '../../protocol';
import type { AgentStepView, AgentTaskPatch, AgentTaskStatus, BudgetView } from '../../webview-ui/chat/agent-types';
import type { HostToWebview } from '../../webview-ui/chat/messages';

type StepMessage = Extract<HostToWebview, { type: 'agentStep' | 'agentText' | 'agentTaskPatch' }>;
type ToolStep = Extract<AgentStepView, { kind: 'tool' }>;

/** Characters of a tool result (and of live command output) kept for the panel. */
export const RESULT_CHARS_MAX = 20_000;

function clip(text: string, max = RESULT_CHARS_MAX): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n… (${text.length - max} more characters)`;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The arguments of a call in one line, per tool (`src/a.ts:10-40`, `"retry" in **\/*.ts`). */
export function summarizeArguments(call: Pick<AgentToolCallInfo, 'name' | 'arguments' | 'source' | 'server'>): string {
  const a = (typeof call.arguments === 'object' && call.arguments !== null ? call.arguments : {}) as Record<string, unknown>;
  const path = str(a.path);
  switch (call.name) {
    case 'read_file': {
      const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
      const from = num(a.start_line);
      const to = num(a.end_line);
      return `${path ?? '?'}${from !== undefined ? `:${from}${to !== undefined ? `-${to}` : ''}` : ''}`;
    }
    case 'grep':
    case 'search_code': {
      const q = str(a.pattern) ?? str(a.query) ?? '';
      const where = str(a.glob) ?? str(a.path);
      return `"${q}"${where ? ` in ${where}` : ''}`;
    }
    case 'run_command':
      return str(a.command) ?? '';
    case 'rename_file':
      return `${path ?? '?'} → ${str(a.new_path) ?? '?'}`;
    case 'git':
      return [str(a.command) ?? str(a.subcommand), str(a.path) ?? str(a.ref)].filter(Boolean).join(' ');
    case 'remember':
      return str(a.title) ?? '';
    case 'todo':
      return Array.isArray(a.items) ? `${a.items.length} items` : '';
    default:
      if (path) return path;
      if (call.source === 'mcp') return call.server ? `on ${call.server}` : '';
      return '';
  }
}

function argsJson(args: unknown): string {
  try {
    return clip(JSON.stringify(args, null, 2) ?? 'null', 8000);
  } catch {
    return String(args);
  }
}

export function budgetOf(u: AgentUsage): BudgetView {
  return {
    toolCalls: { used: u.toolCalls, max: u.budgets.maxToolCalls },
    tokens: { used: u.tokensIn + u.tokensOut, max: u.budgets.maxTokens, prompt: u.tokensIn, output: u.tokensOut },
    timeMs: { used: u.elapsedMs, max: u.budgets.maxWallSec * 1000 },
  };
}

const statusOf: Record<AgentRunResult['status'], AgentTaskStatus> = {
  done: 'done',
  budget: 'stopped',
  fallback: 'done',
  cancelled: 'cancelled',
  failed: 'failed',
};

/** Turns one task's events into step messages; keeps the tool steps it must update. */
export class StepTranslator {
  private textStep: string | undefined;
  private texts = 0;
  private plans = 0;
  private notices = 0;
  private readonly tools = new Map<string, ToolStep>();
  /** The model call of each turn: its prompt and output tokens (from the usage that follows it). */
  private turn = 0;
  private readonly turnTokens = new Map<number, { prompt: number; output: number }>();
  private prevUsage = { tokensIn: 0, tokensOut: 0 };
  /** The words streamed so far (to tell whether the final answer was already shown). */
  lastText = '';

  constructor(private readonly taskId: string) {}

  private step(step: AgentStepView): StepMessage {
    return { type: 'agentStep', taskId: this.taskId, step };
  }

  notice(level: 'info' | 'warn' | 'error', text: string): StepMessage {
    return this.step({ kind: 'notice', id: `notice-${++this.notices}`, level, text });
  }

  translate(event: AgentEvent): StepMessage[] {
    switch (event.kind) {
      case 'turn':
        this.turn = event.turn;
        return [];
      case 'thinking':
        return [];
      case 'text': {
        if (event.delta === '') return [];
        if (!this.textStep) {
          this.textStep = `text-${++this.texts}`;
          this.lastText = '';
        }
        this.lastText += event.delta;
        return [{ type: 'agentText', taskId: this.taskId, stepId: this.textStep, text: event.delta }];
      }
      case 'toolCall': {
        this.textStep = undefined;
        const c = event.call;
        const step: ToolStep = {
          kind: 'tool',
          id: `call-${c.callId}`,
          tool: c.source === 'mcp' && c.server ? `${c.server} › ${c.name}` : c.name,
          summary: summarizeArguments(c),
          argsJson: argsJson(c.arguments),
          status: 'running',
          ...(this.turnTokens.has(event.turn) ? { tokens: this.turnTokens.get(event.turn) } : {}),
        };
        this.tools.set(c.callId, step);
        return [this.step(step)];
      }
      case 'commandOutput': {
        const t = this.tools.get(event.callId);
        if (!t) return [];
        const next: ToolStep = { ...t, result: clip((t.result ?? '') + event.text) };
        this.tools.set(event.callId, next);
        return [this.step(next)];
      }
      case 'toolResult': {
        const r = event.result;
        const t = this.tools.get(r.callId);
        if (!t) return [];
        const status: ToolStep['status'] = r.status === 'ok' ? 'done' : r.status === 'denied' ? 'denied' : 'error';
        const next: ToolStep = { ...t, status, ...(r.summary ? { outcome: r.summary } : {}), result: clip(r.output) };
        this.tools.set(r.callId, next);
        return [this.step(next)];
      }
      case 'todo':
        this.textStep = undefined;
        return [
          this.step({ kind: 'plan', id: `plan-${++this.plans}`, items: event.items.map((i) => ({ text: i.text, status: i.status })) }),
        ];
      case 'usage': {
        const u = event.usage;
        this.turnTokens.set(this.turn, { prompt: u.tokensIn - this.prevUsage.tokensIn, output: u.tokensOut - this.prevUsage.tokensOut });
        this.prevUsage = { tokensIn: u.tokensIn, tokensOut: u.tokensOut };
        return [{ type: 'agentTaskPatch', taskId: this.taskId, patch: { budget: budgetOf(u) } }];
      }
      case 'compaction':
        return [
          this.notice(
            'info',
            `Shortened ${event.compactedResults} older tool results to stay within the model's context (${event.tokensBefore} → ${event.tokensAfter} tokens of ${event.numCtx}).`,
          ),
        ];
      case 'notice':
        return [this.notice(event.level, event.message)];
      case 'step':
        // Approvals arrive as tandem/agent/applyEdits; a step that failed on the daemon's side is said here.
        return event.state === 'failed' && event.reason ? [this.notice('warn', event.reason)] : [];
    }
  }

  /** The task's end: status, the answer (unless it was streamed already), the reason, the budget. */
  finish(result: AgentRunResult): AgentTaskPatch {
    const answer = result.answer.trim();
    const streamed = this.lastText.trim();
    return {
      status: statusOf[result.status],
      ...(answer && answer !== streamed ? { summary: result.answer } : {}),
      ...(result.reason ? { reason: result.reason } : {}),
      budget: budgetOf(result.usage),
      model: result.backend ? `${result.model} @ ${result.backend}` : result.model,
    };
  }
}
