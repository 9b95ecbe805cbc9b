/**
 * The agent loop: ask the model (with the tools), run the tool calls it makes, feed the
 * results back, until it answers without a call — or a budget, cancellation, a model
 * without tool support, or too many failed calls in a row ends it. The same loop runs
 * in the daemon (the editor behind `RemoteIde`) and in `tandemd agent` (the terminal).
 *
 * Robust with local models: calls written as text are recognised (`text-tool-calls.ts`);
 * an unknown tool, unreadable markup or arguments its schema refuses go back as an
 * error result the model can correct; `maxConsecutiveFailures` in a row end the tool use
 * with a plain-chat answer saying why. Consecutive writes become one step, applied only
 * after the user saw them. Older tool results are compacted before the conversation
 * outgrows num_ctx (`compaction.ts`).
 */
import {
  ErrorCodes,
  TandemError,
  isCancellation,
  type AgentEvent,
  type AgentRunResult,
  type AgentStopReason,
  type AgentTaskStatus,
  type AgentToolCallInfo,
  type AgentToolStatus,
  type AgentUsage,
} from '../../protocol';
import type { TaskConfig, AgentConfig } from '../config';
import type { Logger } from '../log';
import type { ChatMessage, ModelRouter, ModelTool } from '../router/types';
import type { AppliedStep } from './change-set';
import { compactMessages } from './compaction';
import { fallbackInstruction, stopSummary } from './prompt';
import { StepBuilder } from './step';
import { normaliseArguments, recogniseToolCalls } from './text-tool-calls';
import { modelTool } from './tools/index';
import type { AgentTool, ToolContext } from './tools/types';
import { ToolError } from './workspace-files';

/** A tool from outside (an MCP server), as the loop calls it. */
export interface ExternalTool {
  name: string;
  server: string;
  tool: string;
  description: string;
  parameters: Record<string, unknown>;
  /** Calls run without asking (the server is trusted). */
  trusted: boolean;
  call(args: Record<string, unknown>, signal: AbortSignal): Promise<{ text: string; isError: boolean }>;
}

export interface LoopDeps {
  router: ModelRouter;
  count(text: string): number;
  task: TaskConfig;
  agent: AgentConfig;
  logger: Logger;
  emit(event: AgentEvent): void;
  tools: AgentTool[];
  external: ExternalTool[];
  /** Everything a tool call gets but its id and signal. */
  toolContext: Omit<ToolContext, 'callId' | 'signal'>;
  onStepApplied(step: AppliedStep): void;
  onToolCall?(tool: string, status: AgentToolStatus, ms: number): void;
  onUsage?(usage: AgentUsage): void;
}

export interface LoopSpec {
  taskId: string;
  model?: string;
  messages: ChatMessage[];
  budgets: AgentUsage['budgets'];
}

export type LoopResult = Omit<AgentRunResult, 'files' | 'model' | 'backend' | 'todo'> & { backend?: string; model?: string };

interface PendingWrite {
  callId: string;
  name: string;
  output: string;
  summary: string;
  started: number;
}

class Stop extends Error {
  constructor(
    readonly status: AgentTaskStatus,
    readonly stopReason: AgentStopReason,
    readonly reason?: string,
  ) {
    super(reason ?? stopReason);
  }
}

const NO_TOOLS = /does not support tools|tools? (are|is) not supported|tool_choice|function calling is not/i;

export class AgentLoop {
  private readonly usage: AgentUsage;
  private readonly started = performance.now();
  private readonly done: string[] = [];
  private readonly messages: ChatMessage[];
  private failures = 0;
  private turn = 0;
  private callSeq = 0;
  private stepSeq = 0;
  private lastText = '';
  private backend: string | undefined;
  private model: string | undefined;
  private readonly wall = new AbortController();
  private readonly modelTools: ModelTool[];
  private toolTokens: number | undefined;

  constructor(
    private readonly deps: LoopDeps,
    private readonly spec: LoopSpec,
  ) {
    this.messages = [...spec.messages];
    this.usage = { modelCalls: 0, toolCalls: 0, tokensIn: 0, tokensOut: 0, elapsedMs: 0, budgets: spec.budgets };
    this.modelTools = [
      ...deps.tools.map(modelTool),
      ...deps.external.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters })),
    ];
  }

  async run(signal: AbortSignal): Promise<LoopResult> {
    const timer = setTimeout(() => this.wall.abort(), this.spec.budgets.maxWallSec * 1000);
    const callSignal = AbortSignal.any([signal, this.wall.signal]);
    try {
      for (;;) {
        this.checkBudgets(signal);
        this.compact();
        const answer = await this.modelTurn(callSignal, signal);
        if (answer !== undefined) return this.finish('done', 'answered', answer);
      }
    } catch (err) {
      if (err instanceof Stop) return this.stopped(err, callSignal);
      if (signal.aborted || (isCancellation(err) && !this.wall.signal.aborted)) return this.finish('cancelled', 'cancelled', this.lastText);
      if (this.wall.signal.aborted) return this.stopped(new Stop('budget', 'max_wall_time'), callSignal);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private checkBudgets(signal: AbortSignal): void {
    if (signal.aborted) throw new Stop('cancelled', 'cancelled');
    const b = this.spec.budgets;
    if (this.wall.signal.aborted || performance.now() - this.started >= b.maxWallSec * 1000) throw new Stop('budget', 'max_wall_time');
    if (this.usage.tokensIn + this.usage.tokensOut >= b.maxTokens) throw new Stop('budget', 'max_tokens');
  }

  private compact(): void {
    const room = this.deps.task.num_ctx - this.deps.task.num_predict;
    // The tool definitions are part of the prompt too.
    this.toolTokens ??= this.deps.count(JSON.stringify(this.modelTools));
    const limit = Math.max(256, Math.floor(room * this.deps.agent.compactAt) - this.toolTokens);
    const r = compactMessages(this.messages, limit, this.deps.count);
    if (r.compacted > 0) {
      this.deps.emit({
        kind: 'compaction',
        compactedResults: r.compacted,
        tokensBefore: r.tokensBefore,
        tokensAfter: r.tokensAfter,
        numCtx: this.deps.task.num_ctx,
      });
      this.deps.logger.info(
        `Agent ${this.spec.taskId}: compacted ${r.compacted} tool results (${r.tokensBefore} → ${r.tokensAfter} tokens, limit ${limit}).`,
      );
    }
  }

  /** One model call and its tool calls; the answer when the model called no tool. */
  private async modelTurn(callSignal: AbortSignal, signal: AbortSignal): Promise<string | undefined> {
    const turn = ++this.turn;
    this.deps.emit({ kind: 'turn', turn });
    let result;
    try {
      result = await this.chat(callSignal, this.modelTools, turn);
    } catch (err) {
      if (signal.aborted || this.wall.signal.aborted || isCancellation(err)) throw err;
      const message = (err as Error).message ?? String(err);
      if (NO_TOOLS.test(message)) return this.fallback(callSignal, 'no_tool_support', this.noToolsReason());
      if (turn === 1) throw err;
      throw new Stop('failed', 'model_error', `The model call failed: ${message}`);
    }
    const native = result.toolCalls ?? [];
    const recognised = native.length === 0 ? recogniseToolCalls(result.text) : { calls: [], malformed: [], text: result.text };
    this.lastText = recognised.text;
    const calls =
      native.length > 0
        ? native.map((c) => ({ id: c.id, name: c.name, arguments: normaliseArguments(c.arguments), origin: 'native' as const }))
        : recognised.calls.map((c) => ({ id: undefined, name: c.name, arguments: c.arguments, origin: 'text' as const }));
    if (calls.length === 0 && recognised.malformed.length === 0) return result.text;
    if (native.length === 0)
      this.deps.emit({
        kind: 'notice',
        level: 'info',
        message: `Read ${calls.length + recognised.malformed.length} tool call(s) the model wrote as text.`,
      });
    this.messages.push({ role: 'assistant', content: result.text, ...(native.length > 0 ? { toolCalls: native } : {}) });
    for (const bad of recognised.malformed) {
      const callId = `c${++this.callSeq}`;
      this.deps.emit({
        kind: 'toolCall',
        turn,
        call: { callId, name: '(unreadable)', source: 'unknown', arguments: clipForDisplay(bad.raw), origin: 'text' },
      });
      this.toolMessage({ callId, name: 'unknown' }, `Error: ${bad.reason} Write the call again as {"name": …, "arguments": {…}}.`);
      this.failed(turn, callId, 'invalid', 'unreadable tool call', bad.reason);
    }
    let step: StepBuilder | undefined;
    const pending: PendingWrite[] = [];
    for (const call of calls) {
      const callId = call.id && !/[^A-Za-z0-9_.:-]/.test(call.id) ? call.id : `c${++this.callSeq}`;
      if (this.usage.toolCalls >= this.spec.budgets.maxToolCalls) {
        if (step) await this.flush(step, pending, turn, callSignal);
        throw new Stop('budget', 'max_tool_calls');
      }
      const builtin = this.deps.tools.find((t) => t.name === call.name);
      const external = builtin ? undefined : this.deps.external.find((t) => t.name === call.name);
      const info: AgentToolCallInfo = {
        callId,
        name: call.name.slice(0, 200),
        source: builtin ? 'builtin' : external ? 'mcp' : 'unknown',
        ...(external ? { server: external.server } : {}),
        arguments: clipForDisplay(call.arguments),
        origin: call.origin,
      };
      if (!builtin && !external) {
        this.deps.emit({ kind: 'toolCall', turn, call: info });
        const known = this.modelTools.map((t) => t.name).join(', ');
        this.toolMessage(
          { callId, name: call.name },
          `Error: there is no tool named "${call.name.slice(0, 100)}". The tools are: ${known}.`,
        );
        this.failed(turn, callId, 'invalid', `unknown tool ${call.name.slice(0, 100)}`, 'unknown tool');
        continue;
      }
      if (builtin?.kind === 'write') {
        step ??= new StepBuilder(`${this.spec.taskId}:s${++this.stepSeq}`, this.deps.toolContext.files);
        info.stepId = step.stepId;
      } else if (step) {
        await this.flush(step, pending, turn, callSignal);
        step = undefined;
      }
      this.deps.emit({ kind: 'toolCall', turn, call: info });
      if (builtin) await this.runBuiltin(builtin, call.arguments, callId, turn, callSignal, step, pending);
      else await this.runExternal(external!, call.arguments, callId, turn, callSignal);
    }
    if (step) await this.flush(step, pending, turn, callSignal);
    return undefined;
  }

  private async chat(signal: AbortSignal, tools: ModelTool[] | undefined, turn: number) {
    const result = await this.deps.router.chat({
      task: 'agent',
      messages: this.messages,
      ...(tools && tools.length > 0 ? { tools } : {}),
      ...(this.spec.model ? { model: this.spec.model } : {}),
      sessionKey: this.spec.taskId,
      signal,
      onDelta: (delta) => this.deps.emit({ kind: 'text', turn, delta }),
      onThinking: (delta) => this.deps.emit({ kind: 'thinking', turn, delta }),
    });
    this.usage.modelCalls++;
    this.usage.tokensIn += result.promptTokens ?? this.messages.reduce((n, m) => n + this.deps.count(m.content), 0);
    this.usage.tokensOut += result.outputTokens ?? this.deps.count(result.text);
    this.backend = result.backend;
    this.model = result.model;
    this.reportUsage();
    return result;
  }

  private reportUsage(): void {
    this.usage.elapsedMs = Math.round(performance.now() - this.started);
    this.deps.emit({ kind: 'usage', usage: { ...this.usage } });
    this.deps.onUsage?.({ ...this.usage });
  }

  private async runBuiltin(
    tool: AgentTool,
    rawArgs: unknown,
    callId: string,
    turn: number,
    signal: AbortSignal,
    step: StepBuilder | undefined,
    pending: PendingWrite[],
  ): Promise<void> {
    const started = performance.now();
    const parsed = tool.schema.safeParse(rawArgs ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ');
      this.toolMessage(
        { callId, name: tool.name },
        `Error: invalid arguments for ${tool.name}: ${issues}. Call it again with arguments matching its schema.`,
      );
      this.failed(turn, callId, 'invalid', `invalid arguments for ${tool.name}`, issues);
      return;
    }
    this.failures = 0;
    this.usage.toolCalls++;
    try {
      const out = await tool.run(parsed.data, { ...this.deps.toolContext, callId, signal });
      if (out.write && step) {
        step.add(callId, out.write);
        pending.push({ callId, name: tool.name, output: out.output, summary: out.summary, started });
        return;
      }
      const output = this.clip(out.output);
      this.toolMessage({ callId, name: tool.name }, output);
      this.result(turn, callId, 'ok', out.summary, output, started, tool.name);
    } catch (err) {
      if (signal.aborted || isCancellation(err)) throw err;
      const status: AgentToolStatus = err instanceof ToolError ? err.status : 'error';
      const message = err instanceof ToolError ? err.message : `${tool.name} failed: ${(err as Error).message}`;
      if (!(err instanceof ToolError)) this.deps.logger.warn(`Agent tool ${tool.name} failed: ${(err as Error).stack ?? String(err)}`);
      this.toolMessage({ callId, name: tool.name }, `${status === 'denied' ? 'Denied' : 'Error'}: ${message}`);
      this.result(turn, callId, status, `${tool.name}: ${status === 'denied' ? 'denied' : 'failed'}`, message, started, tool.name);
    }
  }

  private async runExternal(tool: ExternalTool, rawArgs: unknown, callId: string, turn: number, signal: AbortSignal): Promise<void> {
    const started = performance.now();
    const label = `mcp:${tool.server}`;
    if (typeof rawArgs !== 'object' || rawArgs === null || Array.isArray(rawArgs)) {
      this.toolMessage({ callId, name: tool.name }, `Error: the arguments of ${tool.name} must be a JSON object.`);
      this.failed(turn, callId, 'invalid', `invalid arguments for ${tool.name}`, 'not an object');
      return;
    }
    this.failures = 0;
    this.usage.toolCalls++;
    const ctx = this.deps.toolContext;
    const key = `mcp:${tool.server}:${tool.tool}`;
    try {
      if (!tool.trusted && !ctx.approvedForTask.has(key)) {
        if (!ctx.ide.canApprove)
          throw new ToolError(
            `Not called: the MCP server "${tool.server}" is not trusted and ${ctx.ide.limitation ?? 'nobody can approve the call'}`,
            'denied',
          );
        const answer = await ctx.ide.approve(
          {
            taskId: this.spec.taskId,
            approval: { kind: 'mcpTool', callId, server: tool.server, tool: tool.tool, arguments: clipForDisplay(rawArgs) },
          },
          signal,
        );
        if (answer.decision === 'deny')
          throw new ToolError(
            `The user denied calling ${tool.tool} of ${tool.server}${answer.reason ? `: ${answer.reason}` : '.'}`,
            'denied',
          );
        if (answer.decision === 'task') ctx.approvedForTask.add(key);
      }
      const r = await tool.call(rawArgs as Record<string, unknown>, signal);
      const output = this.clip(r.text || '(no output)');
      this.toolMessage({ callId, name: tool.name }, r.isError ? `Error: ${output}` : output);
      this.result(
        turn,
        callId,
        r.isError ? 'error' : 'ok',
        `${tool.server}/${tool.tool}${r.isError ? ': error' : ''}`,
        output,
        started,
        label,
      );
    } catch (err) {
      if (signal.aborted || isCancellation(err)) throw err;
      const status: AgentToolStatus = err instanceof ToolError ? err.status : 'error';
      const message = err instanceof ToolError ? err.message : `${tool.server}/${tool.tool} failed: ${(err as Error).message}`;
      this.toolMessage({ callId, name: tool.name }, `${status === 'denied' ? 'Denied' : 'Error'}: ${message}`);
      this.result(turn, callId, status, `${tool.server}/${tool.tool}: ${status}`, message, started, label);
    }
  }

  /** Send a step's writes for approval, then tell the model what became of each call. */
  private async flush(step: StepBuilder, pending: PendingWrite[], turn: number, signal: AbortSignal): Promise<void> {
    const writes = pending.splice(0);
    if (step.empty) return;
    const { changes, before } = step.changes();
    const summary = writes.map((w) => w.summary).join('; ');
    const files = this.deps.toolContext.files;
    if (changes.length === 0) {
      files.settle(false, []);
      for (const w of writes) this.writeResult(turn, w, 'ok', `${w.output} (the step changes nothing in the end)`);
      return;
    }
    this.deps.emit({ kind: 'step', stepId: step.stepId, state: 'proposed', changes });
    let outcome: { outcome: 'applied' | 'rejected' | 'failed'; reason?: string };
    try {
      outcome = await this.deps.toolContext.ide.applyEdits({ taskId: this.spec.taskId, stepId: step.stepId, summary, changes }, signal);
    } catch (err) {
      files.settle(false, []);
      if (signal.aborted || isCancellation(err)) throw err;
      outcome = { outcome: 'failed', reason: (err as Error).message };
    }
    files.settle(outcome.outcome === 'applied', step.paths());
    this.deps.emit({
      kind: 'step',
      stepId: step.stepId,
      state: outcome.outcome,
      changes,
      ...(outcome.reason ? { reason: outcome.reason } : {}),
    });
    if (outcome.outcome === 'applied') {
      this.deps.onStepApplied({ stepId: step.stepId, appliedAt: Date.now(), changes, before });
      for (const w of writes) this.writeResult(turn, w, 'ok', `${w.output.replace(/ proposed/, '')} Applied.`);
    } else if (outcome.outcome === 'rejected') {
      for (const w of writes)
        this.writeResult(
          turn,
          w,
          'denied',
          `The user rejected this change${outcome.reason ? `: ${outcome.reason}` : ''}. It was not applied.`,
        );
    } else {
      for (const w of writes)
        this.writeResult(
          turn,
          w,
          'error',
          `The change could not be applied${outcome.reason ? `: ${outcome.reason}` : ''}. Read the file again before retrying.`,
        );
    }
  }

  private writeResult(turn: number, w: PendingWrite, status: AgentToolStatus, output: string): void {
    this.toolMessage({ callId: w.callId, name: w.name }, output);
    this.result(
      turn,
      w.callId,
      status,
      `${w.summary}${status === 'ok' ? '' : status === 'denied' ? ' (rejected)' : ' (failed)'}`,
      output,
      w.started,
      w.name,
    );
  }

  private toolMessage(call: { callId: string; name: string }, content: string): void {
    this.messages.push({ role: 'tool', content, toolName: call.name.slice(0, 200), toolCallId: call.callId });
  }

  private result(
    turn: number,
    callId: string,
    status: AgentToolStatus,
    summary: string,
    output: string,
    started: number,
    tool: string,
  ): void {
    const durationMs = Math.round(performance.now() - started);
    if (status === 'ok') this.done.push(summary);
    this.deps.emit({ kind: 'toolResult', turn, result: { callId, status, summary, output: output.slice(0, 4000), durationMs } });
    this.deps.onToolCall?.(tool, status, durationMs);
  }

  /** A call the model got wrong: tell the client; past the limit, stop using tools. */
  private failed(turn: number, callId: string, status: AgentToolStatus, summary: string, detail: string): void {
    this.failures++;
    this.deps.emit({ kind: 'toolResult', turn, result: { callId, status, summary, output: detail.slice(0, 4000), durationMs: 0 } });
    this.deps.onToolCall?.(summary.startsWith('unknown tool') ? 'unknown' : summary.replace(/^invalid arguments for /, ''), status, 0);
    if (this.failures >= this.deps.agent.maxConsecutiveFailures) {
      throw new Stop(
        'fallback',
        'tool_failures',
        `The model made ${this.failures} failed tool calls in a row (${summary}), so it answered in plain chat without tools.`,
      );
    }
  }

  private noToolsReason(): string {
    const model = this.spec.model ?? this.deps.task.model;
    return `${model} does not support tool calling (its template has no "tools" capability), so the task was answered in plain chat. Set the agent model to a tool-capable one such as qwen2.5-coder:7b-instruct, qwen3:8b or llama3.1:8b (\`ollama pull qwen3:8b\`); \`tandemd doctor\` names the ones you have.`;
  }

  /** A plain-chat answer without tools (no tool support, or too many failed calls). */
  private async fallback(signal: AbortSignal, stopReason: AgentStopReason, reason: string): Promise<never> {
    this.deps.emit({ kind: 'notice', level: 'warn', message: reason });
    // Without tools, tool turns become plain text and the conversation ends with the instruction.
    this.messages.push({
      role: 'user',
      content: fallbackInstruction(stopReason === 'no_tool_support' ? 'this model cannot call tools' : 'too many failed tool calls'),
    });
    const plain = this.messages.map((m) =>
      m.role === 'tool'
        ? { role: 'user' as const, content: `Result of ${m.toolName ?? 'a tool'}:\n${m.content}` }
        : { role: m.role, content: m.content },
    );
    const result = await this.deps.router.chat({
      task: 'agent',
      messages: plain,
      ...(this.spec.model ? { model: this.spec.model } : {}),
      sessionKey: this.spec.taskId,
      signal,
      onDelta: (delta) => this.deps.emit({ kind: 'text', turn: this.turn, delta }),
    });
    this.usage.modelCalls++;
    this.usage.tokensIn += result.promptTokens ?? 0;
    this.usage.tokensOut += result.outputTokens ?? this.deps.count(result.text);
    this.backend = result.backend;
    this.model = result.model;
    this.reportUsage();
    this.lastText = result.text;
    throw new Stop('fallback', stopReason, reason);
  }

  private async stopped(stop: Stop, signal: AbortSignal): Promise<LoopResult> {
    if (stop.status === 'cancelled') return this.finish('cancelled', 'cancelled', this.lastText);
    if (stop.status === 'fallback' && stop.stopReason === 'tool_failures' && !signal.aborted) {
      try {
        await this.fallback(signal, 'tool_failures', stop.reason!);
      } catch (err) {
        if (err instanceof Stop) return this.finish('fallback', 'tool_failures', this.lastText, stop.reason);
        if (isCancellation(err) || signal.aborted) return this.finish('cancelled', 'cancelled', this.lastText);
        return this.finish(
          'failed',
          'model_error',
          this.lastText,
          `${stop.reason} The plain-chat answer failed too: ${(err as Error).message}`,
        );
      }
    }
    if (stop.status === 'fallback') return this.finish('fallback', stop.stopReason, this.lastText, stop.reason);
    if (stop.status === 'budget') {
      const b = this.spec.budgets;
      const limit =
        stop.stopReason === 'max_tool_calls'
          ? String(b.maxToolCalls)
          : stop.stopReason === 'max_tokens'
            ? String(b.maxTokens)
            : `${b.maxWallSec} s`;
      const answer = stopSummary({
        reason: stop.stopReason,
        limit,
        done: this.done,
        todo: this.deps.toolContext.todo.items,
        lastText: this.lastText,
      });
      return this.finish('budget', stop.stopReason, answer, answer.split('\n', 1)[0]);
    }
    return this.finish(stop.status, stop.stopReason, this.lastText, stop.reason);
  }

  private finish(status: AgentTaskStatus, stopReason: AgentStopReason, answer: string, reason?: string): LoopResult {
    this.usage.elapsedMs = Math.round(performance.now() - this.started);
    return {
      taskId: this.spec.taskId,
      status,
      stopReason,
      answer,
      ...(reason ? { reason } : {}),
      usage: { ...this.usage },
      ...(this.backend ? { backend: this.backend } : {}),
      ...(this.model ? { model: this.model } : {}),
    };
  }

  private clip(text: string): string {
    const max = this.deps.agent.maxToolResultChars;
    if (text.length <= max) return text;
    const half = Math.floor(max / 2);
    return `${text.slice(0, half)}\n… [${text.length - max} characters left out; ask for less, e.g. a line range] …\n${text.slice(-half)}`;
  }
}

/** Arguments as the client shows them: long strings cut. */
function clipForDisplay(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.length > 2000 ? `${value.slice(0, 2000)}… (${value.length} characters)` : value;
  if (depth > 4 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => clipForDisplay(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value)
      .slice(0, 50)
      .map(([k, v]) => [k, clipForDisplay(v, depth + 1)]),
  );
}

/** A failure before the loop could start a turn (for the run handler). */
export function isModelFailure(err: unknown): err is TandemError {
  return (
    err instanceof TandemError &&
    [ErrorCodes.NoBackendAvailable, ErrorCodes.ModelNotFound, ErrorCodes.UpstreamError, ErrorCodes.UpstreamTimeout].includes(
      err.code as never,
    )
  );
}
