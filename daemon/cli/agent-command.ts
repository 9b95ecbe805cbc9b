/**
 * `tandemd agent --root DIR [--yes] [--allow-command REGEX]… [--max-steps N] "task"`:
 * the agent loop without an editor, in-process (no daemon needed), on the user's
 * Tandem home and config: the same tools under the same names, each step printed and
 * applied on the terminal's yes (or with --yes), commands asked for (or run when they
 * match --allow-command). Exit code 0 when the task finished, 1 with the reason when it
 * stopped otherwise (a budget, a fallback, a failure), 2 for usage errors.
 */
import { randomUUID } from 'node:crypto';
import { AgentStrategies, isCancellation, type AgentStrategy } from '../../protocol';
import { AgentMetrics } from '../agent/metrics';
import { runAgentTask } from '../agent/runner';
import { AgentTaskStore } from '../agent/task-store';
import { WorkspaceFiles } from '../agent/workspace-files';
import { loadConfig } from '../config';
import { TokenCounter } from '../context/budget';
import { resolveRoot } from '../context/cli-support';
import { DaemonLogger, streamSink } from '../log';
import { MemoryStore } from '../memory/store';
import { McpManager } from '../mcp/manager';
import { Metrics } from '../metrics';
import { createContextEngine, createRouter } from '../parts';
import { openUserDb } from '../storage/db';
import { DAEMON_VERSION } from '../version';
import { UsageError, optionalInt, requireString, type CliCommand } from './command';
import { TerminalIde, renderEvent } from './agent-terminal';

export const agentCommand: CliCommand = {
  name: 'agent',
  summary: 'Run an agent task in a folder without an editor (asks before writes and commands).',
  usage: 'tandemd agent --root DIR [--yes] [--allow-command REGEX]... [--max-steps N] [--strategy S] [--model M] [--no-index] "task"',
  options: {
    root: { type: 'string' },
    yes: { type: 'boolean' },
    'allow-command': { type: 'string', multiple: true },
    'max-steps': { type: 'string' },
    strategy: { type: 'string' },
    model: { type: 'string' },
    'no-index': { type: 'boolean' },
  },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const root = resolveRoot(requireString(values, 'root'));
    const text = positionals.join(' ').trim();
    if (text === '') throw new UsageError('give the task as the last argument, in quotes');
    const maxSteps = optionalInt(values, 'max-steps', 1);
    const strategy = values.strategy as string | undefined;
    if (strategy !== undefined && !(AgentStrategies as readonly string[]).includes(strategy)) {
      throw new UsageError(`--strategy must be one of ${AgentStrategies.join(', ')}`);
    }
    const allow = (values['allow-command'] as string[] | undefined) ?? [];
    for (const src of allow) {
      try {
        new RegExp(src);
      } catch (err) {
        throw new UsageError(`--allow-command ${JSON.stringify(src)} is not a valid regular expression (${(err as Error).message})`);
      }
    }
    const config = loadConfig(io.env);
    const logger = new DaemonLogger('warn');
    logger.addSink(streamSink((l) => io.stderr(l)));
    const metrics = new Metrics();
    const router = createRouter(config, metrics, logger);
    const context = values['no-index'] ? undefined : createContextEngine(config, router, logger);
    const db = openUserDb(config.home);
    const mcp = new McpManager({ db, config: () => config.mcp, logger, clientVersion: DAEMON_VERSION, env: io.env });
    const counter = new TokenCounter();
    const abort = new AbortController();
    const onSigint = () => abort.abort();
    process.once('SIGINT', onSigint);
    const files = new WorkspaceFiles([root], root);
    try {
      if (context) {
        io.stderr(`Indexing ${root}…\n`);
        await context.indexRoot(root);
      }
      const ide = new TerminalIde({
        roots: [root],
        yes: values.yes === true,
        interactive: process.stdin.isTTY === true,
        input: process.stdin,
        out: (t) => io.stdout(t),
        relative: (p) => files.relative(p),
      });
      const result = await runAgentTask(
        {
          router,
          count: (t) => counter.count(t),
          config,
          logger,
          tasks: new AgentTaskStore(db),
          memory: new MemoryStore(db, () => config.memory),
          mcpTools: (r) => mcp.toolsFor(r),
          ...(context ? { search: (p) => context.search(p) } : {}),
          metrics: new AgentMetrics(metrics.registry),
          env: io.env,
          memoryChanged: () => undefined,
        },
        {
          taskId: `cli-${randomUUID()}`,
          text,
          ...(strategy ? { strategy: strategy as AgentStrategy } : {}),
          root,
          roots: [root],
          documents: [],
          budgets: maxSteps !== undefined ? { maxToolCalls: maxSteps } : {},
          allowCommands: allow,
          ...(typeof values.model === 'string' ? { model: values.model } : {}),
        },
        ide,
        (e) => {
          const line = renderEvent(e);
          if (line !== undefined) io.stdout(line);
        },
        abort.signal,
      );
      const u = result.usage;
      io.stdout(`\n\n${result.status === 'done' ? '' : `${result.answer}\n\n`}`);
      io.stderr(
        `[${result.status}${result.stopReason !== 'answered' ? `: ${result.stopReason}` : ''}] ${u.toolCalls} tool calls, ${u.tokensIn} tokens in, ${u.tokensOut} out, ${(u.elapsedMs / 1000).toFixed(1)} s; ${result.files.length} file(s) changed (${result.model}${result.backend ? ` on ${result.backend}` : ''})\n`,
      );
      if (result.status !== 'done') {
        io.stderr(`tandemd agent: the task did not finish: ${result.reason ?? result.stopReason}\n`);
        return 1;
      }
      return 0;
    } catch (err) {
      if (isCancellation(err) || abort.signal.aborted) {
        io.stderr('tandemd agent: cancelled.\n');
        return 1;
      }
      throw err;
    } finally {
      process.off('SIGINT', onSigint);
      await mcp.dispose();
      router.dispose();
      await context?.dispose();
      counter.dispose();
      db.close();
    }
  },
};
