/**
 * The tools that run processes: run_command (asks each time unless allowlisted),
 * run_tests (the project's test command, configured or detected) and git (status,
 * diff, log, show: read-only, never through a shell, external diff drivers and
 * repository hooks off). Every run: the workspace as cwd, a time limit, an output cap,
 * secrets left out of the environment, its own process group (cancel kills it all).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { quote } from 'shell-quote';
import { z } from 'zod';
import { isCancellation } from '../../../protocol';
import { decideCommand, parseCommand } from '../command-policy';
import { commandEnv, runProcess, type RunOutcome } from '../process';
import { ToolError } from '../workspace-files';
import { tool, type ToolContext, type ToolOutput } from './types';

/** Ask (or not) for one command line; returns how to run it. Throws `ToolError('denied')` when it may not run. */
async function authorise(
  line: string,
  tool: 'run_command' | 'run_tests',
  cwd: string,
  ctx: ToolContext,
  preApproved = false,
): Promise<{ argv?: string[] }> {
  if (preApproved) {
    const parsed = parseCommand(line);
    return parsed.argv ? { argv: parsed.argv } : {};
  }
  const decision = decideCommand(line, ctx.allowlist, ctx.approvedCommands);
  if (decision.run === 'argv') return { argv: decision.argv };
  if (decision.run === 'shell') return {};
  if (decision.run === 'deny') throw new ToolError(decision.reason, 'denied');
  if (!ctx.ide.canApprove) {
    throw new ToolError(
      `The command was not run: it is not on the command allowlist (agent.commandAllowlist, or --allow-command) and ${ctx.ide.limitation ?? 'nobody can be asked'}`,
      'denied',
    );
  }
  const answer = await ctx.ide.approve(
    {
      taskId: ctx.taskId,
      approval: { kind: 'command', callId: ctx.callId, command: line, cwd, timeoutSec: ctx.config.commandTimeoutSec, tool },
    },
    ctx.signal,
  );
  if (answer.decision === 'deny')
    throw new ToolError(`The user denied running \`${line}\`${answer.reason ? `: ${answer.reason}` : '.'}`, 'denied');
  if (answer.decision === 'task') ctx.approvedCommands.add(line);
  return {};
}

/** Run an authorised command line and describe the outcome for the model. */
async function execute(
  line: string,
  how: { argv?: string[] },
  cwd: string,
  ctx: ToolContext,
  timeoutSec: number,
): Promise<{ outcome: RunOutcome; text: string }> {
  const { env } = commandEnv(ctx.env);
  let emitted = 0;
  const outcome = await runProcess({
    ...(how.argv ? { argv: how.argv } : { commandLine: line }),
    cwd,
    timeoutMs: timeoutSec * 1000,
    maxOutputBytes: ctx.config.commandOutputBytes,
    env,
    signal: ctx.signal,
    onOutput: (stream, text) => {
      if (emitted > ctx.config.commandOutputBytes) return;
      emitted += text.length;
      ctx.emit({ kind: 'commandOutput', callId: ctx.callId, stream, text });
    },
  });
  if (outcome.cancelled && ctx.signal.aborted) throw Object.assign(new Error('cancelled'), { name: 'AbortError' });
  const head = outcome.spawnError
    ? `The command could not be started: ${outcome.spawnError}`
    : outcome.timedOut
      ? `The command did not finish within ${timeoutSec} s and was killed.`
      : `Exit code ${outcome.exitCode ?? `none (ended by ${outcome.signal})`} after ${(outcome.durationMs / 1000).toFixed(1)} s.`;
  return { outcome, text: `$ ${line}\n${head}\n${outcome.output.trimEnd() || '(no output)'}` };
}

function describe(line: string, o: RunOutcome): string {
  if (o.spawnError) return `\`${line}\`: could not start`;
  if (o.timedOut) return `\`${line}\`: timed out`;
  return `\`${line}\`: exit ${o.exitCode ?? o.signal}`;
}

export const runCommandTool = tool({
  name: 'run_command',
  kind: 'command',
  description:
    'Run a shell command in the workspace (the user approves each command unless it is on their allowlist). Output and exit code come back; long output is cut in the middle.',
  schema: z.object({
    command: z.string().trim().min(1).max(4000).describe('The command line, e.g. `npm run build`.'),
    cwd: z.string().max(4096).optional().describe('Folder relative to the workspace root; default the root.'),
    timeout_sec: z.number().int().min(1).max(3600).optional().describe('Time limit in seconds (at most the configured one).'),
  }),
  async run(args, ctx): Promise<ToolOutput> {
    const cwd = args.cwd && args.cwd !== '.' ? ctx.files.resolve(args.cwd, 'folder').path : ctx.files.root;
    const how = await authorise(args.command, 'run_command', cwd, ctx);
    const timeout = Math.min(args.timeout_sec ?? ctx.config.commandTimeoutSec, ctx.config.commandTimeoutSec);
    const { outcome, text } = await execute(args.command, how, cwd, ctx, timeout);
    if (outcome.spawnError || outcome.timedOut) throw new ToolError(text);
    return { output: text, summary: describe(args.command, outcome) };
  },
});

/** The project's test command: configured, else detected from the files of the root; undefined when none is found. */
export function detectTestCommand(root: string): { command: string; from: string } | undefined {
  const pkg = join(root, 'package.json');
  if (existsSync(pkg)) {
    try {
      const scripts = (JSON.parse(readFileSync(pkg, 'utf8')) as { scripts?: Record<string, unknown> }).scripts ?? {};
      const test = scripts.test;
      if (typeof test === 'string' && !/no test specified/.test(test)) return { command: 'npm test', from: 'package.json' };
    } catch {
      // A package.json that does not parse gives no test command.
    }
  }
  if (existsSync(join(root, 'Cargo.toml'))) return { command: 'cargo test', from: 'Cargo.toml' };
  if (existsSync(join(root, 'go.mod'))) return { command: 'go test ./...', from: 'go.mod' };
  const py = ['pytest.ini', 'conftest.py', 'tox.ini'].find((f) => existsSync(join(root, f)));
  if (py) return { command: 'python -m pytest', from: py };
  const pyproject = join(root, 'pyproject.toml');
  if (existsSync(pyproject) && /\[tool\.pytest/.test(readFileSync(pyproject, 'utf8')))
    return { command: 'python -m pytest', from: 'pyproject.toml' };
  const makefile = join(root, 'Makefile');
  if (existsSync(makefile) && /^test\s*:/m.test(readFileSync(makefile, 'utf8'))) return { command: 'make test', from: 'Makefile' };
  return undefined;
}

export const runTestsTool = tool({
  name: 'run_tests',
  kind: 'command',
  description:
    "Run the project's tests with its own test command (configured, or detected from package.json, Cargo.toml, go.mod, pytest or a Makefile). Optional extra arguments (e.g. a test file) are appended.",
  schema: z.object({
    args: z.array(z.string().min(1).max(500)).max(20).default([]).describe('Extra arguments for the test command, e.g. a test file.'),
  }),
  async run(args, ctx): Promise<ToolOutput> {
    const configured = ctx.config.testCommand;
    const detected = configured ? { command: configured, from: 'agent.testCommand' } : detectTestCommand(ctx.files.root);
    if (!detected) {
      throw new ToolError(
        'No test command found (no test script in package.json, no Cargo.toml, go.mod, pytest or Makefile test target); set agent.testCommand, or use run_command.',
      );
    }
    const extra = args.args.length > 0 ? ` ${quote(args.args)}` : '';
    const line = `${detected.command}${extra}`;
    // The user's own configured command (without extra words from the model) needs no approval.
    const how = await authorise(line, 'run_tests', ctx.files.root, ctx, configured !== undefined && extra === '');
    const { outcome, text } = await execute(line, how, ctx.files.root, ctx, ctx.config.commandTimeoutSec);
    if (outcome.spawnError || outcome.timedOut) throw new ToolError(text);
    return {
      output: `Test command from ${detected.from}.\n${text}`,
      summary: `${describe(line, outcome)}${outcome.exitCode === 0 ? ' (passed)' : ''}`,
    };
  },
});

const REV = /^[A-Za-z0-9][A-Za-z0-9._/~^@{}-]{0,199}$/;

export const gitTool = tool({
  name: 'git',
  kind: 'read',
  description:
    'Read-only git: `status`, `diff` (working tree, or staged), `log` (recent commits) or `show` (one commit). Optionally limited to a path.',
  schema: z.object({
    command: z.enum(['status', 'diff', 'log', 'show']),
    path: z.string().max(4096).optional().describe('Limit to this file or folder.'),
    staged: z.boolean().default(false).describe('diff: the staged changes instead of the working tree.'),
    rev: z.string().max(200).optional().describe('show: the commit (default HEAD).'),
    max_count: z.number().int().min(1).max(100).default(20).describe('log: how many commits.'),
  }),
  async run(args, ctx): Promise<ToolOutput> {
    const path = args.path && args.path !== '.' ? ctx.files.resolve(args.path).relative : undefined;
    if (args.rev !== undefined && !REV.test(args.rev))
      throw new ToolError(`"${args.rev}" is not a revision name (letters, digits and . _ / ~ ^ @ { } -, not starting with -).`);
    const base = [
      'git',
      '--no-pager',
      '-c',
      'core.quotepath=off',
      '-c',
      'core.fsmonitor=',
      '-c',
      'core.hooksPath=/dev/null',
      '-c',
      'color.ui=never',
    ];
    const sub: Record<typeof args.command, string[]> = {
      status: ['status', '--short', '--branch'],
      diff: ['diff', '--no-ext-diff', '--no-textconv', ...(args.staged ? ['--staged'] : [])],
      log: ['log', `--max-count=${args.max_count}`, '--date=short', '--format=%h %ad %an %s'],
      show: ['show', '--no-ext-diff', '--no-textconv', '--stat', '--patch', args.rev ?? 'HEAD'],
    };
    const argv = [...base, ...sub[args.command], ...(path ? ['--', path] : [])];
    const { env } = commandEnv(ctx.env);
    let outcome: RunOutcome;
    try {
      outcome = await runProcess({
        argv,
        cwd: ctx.files.root,
        timeoutMs: 30_000,
        maxOutputBytes: ctx.config.commandOutputBytes,
        env,
        signal: ctx.signal,
      });
    } catch (err) {
      if (isCancellation(err)) throw err;
      throw new ToolError(`git could not run: ${(err as Error).message}`);
    }
    if (outcome.cancelled && ctx.signal.aborted) throw Object.assign(new Error('cancelled'), { name: 'AbortError' });
    if (outcome.spawnError) throw new ToolError(`git is not installed or not on PATH (${outcome.spawnError}).`);
    if (outcome.exitCode !== 0)
      throw new ToolError(`git ${args.command} failed (exit ${outcome.exitCode}): ${outcome.output.trim().slice(0, 2000)}`);
    const label = `git ${args.command}${path ? ` ${path}` : ''}`;
    return { output: outcome.output.trimEnd() || `(${label}: nothing to show)`, summary: label };
  },
});
