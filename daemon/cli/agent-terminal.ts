/**
 * The agent's questions answered on a terminal (`tandemd agent`): each step's changes
 * printed as a diff and applied to disk when the user says yes (or always, with
 * `--yes`); commands and MCP calls asked for on the terminal; without a terminal to ask
 * on, writes need `--yes`, commands the allowlist (`--allow-command`), and the rest is
 * refused with the reason. Every event of the task is printed as it happens.
 */
import { createInterface } from 'node:readline/promises';
import type { AgentApproval, AgentEvent, FileChange } from '../../protocol';
import type { AgentIde, ApplyEditsOutcome, ApprovalOutcome } from '../agent/ide';
import { applyChangesToDisk } from '../agent/disk-apply';
import { applyTextEdits } from '../edit/apply';
import { readDiskText } from '../edit/workspace';

export interface TerminalOptions {
  roots: string[];
  yes: boolean;
  /** Standard input is a terminal someone can answer on. */
  interactive: boolean;
  input: NodeJS.ReadableStream;
  out: (text: string) => void;
  relative: (path: string) => string;
}

/** A unified-looking diff of one change, for the terminal (whole lines, old then new). */
export function describeChange(c: FileChange, rel: (p: string) => string, roots: readonly string[]): string {
  if (c.kind === 'create')
    return `+++ ${rel(c.path)} (new file)\n${c.text
      .split('\n')
      .map((l) => `+${l}`)
      .join('\n')}`;
  if (c.kind === 'delete') return `--- ${rel(c.path)} (deleted)`;
  if (c.kind === 'rename') return `rename ${rel(c.path)} → ${rel(c.newPath)}`;
  const before = readDiskText(c.path, roots) ?? '';
  const after = applyTextEdits(before, c.edits);
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  return [
    `--- ${rel(c.path)}`,
    `+++ ${rel(c.path)}`,
    `@@ line ${start + 1} @@`,
    ...a.slice(start, endA).map((l) => `-${l}`),
    ...b.slice(start, endB).map((l) => `+${l}`),
  ].join('\n');
}

export class TerminalIde implements AgentIde {
  readonly canApplyEdits: boolean;
  readonly canApprove: boolean;
  readonly canDiagnose = false;
  readonly limitation: string;

  constructor(private readonly opts: TerminalOptions) {
    this.canApplyEdits = opts.yes || opts.interactive;
    this.canApprove = opts.interactive;
    this.limitation = opts.interactive
      ? 'There is no editor here, so get_diagnostics is unavailable (run the checks with run_command or run_tests).'
      : `No terminal to ask on: ${opts.yes ? 'edits are applied (--yes), ' : 'edits need --yes, '}commands run only when they match --allow-command, and there is no editor for get_diagnostics.`;
  }

  private async ask(question: string): Promise<string> {
    const rl = createInterface({ input: this.opts.input, output: process.stderr, terminal: false });
    try {
      return (await rl.question(question)).trim().toLowerCase();
    } finally {
      rl.close();
    }
  }

  async applyEdits(p: { taskId: string; stepId: string; summary: string; changes: FileChange[] }): Promise<ApplyEditsOutcome> {
    this.opts.out(
      `\n── step ${p.stepId}: ${p.summary}\n${p.changes.map((c) => describeChange(c, this.opts.relative, this.opts.roots)).join('\n')}\n`,
    );
    if (!this.opts.yes) {
      const answer = await this.ask('Apply these changes? [y/N] ');
      if (answer !== 'y' && answer !== 'yes') return { outcome: 'rejected', reason: 'the user answered no on the terminal' };
    }
    const r = applyChangesToDisk(p.changes, this.opts.roots);
    if (!r.ok) {
      this.opts.out(`   not applied: ${r.reason}\n`);
      return { outcome: 'failed', reason: r.reason };
    }
    this.opts.out('   applied.\n');
    return { outcome: 'applied' };
  }

  async approve(p: { taskId: string; approval: AgentApproval }): Promise<ApprovalOutcome> {
    const a = p.approval;
    const what =
      a.kind === 'command'
        ? `Run \`${a.command}\` in ${this.opts.relative(a.cwd) || a.cwd}`
        : a.kind === 'mcpTool'
          ? `Call ${a.tool} of the MCP server ${a.server} with ${JSON.stringify(a.arguments).slice(0, 400)}`
          : `Store the ${a.note.kind} note "${a.note.title}"`;
    const answer = await this.ask(`${what}? [o]nce / for this [t]ask / [N]o `);
    if (answer === 'o' || answer === 'once' || answer === 'y' || answer === 'yes') return { decision: 'once' };
    if (answer === 't' || answer === 'task') return { decision: 'task' };
    return { decision: 'deny', reason: 'the user said no on the terminal' };
  }

  diagnostics(): Promise<never> {
    return Promise.reject(new Error('There is no editor to report diagnostics.'));
  }
}

/** One event as a terminal line (text streams as it comes). */
export function renderEvent(e: AgentEvent): string | undefined {
  switch (e.kind) {
    case 'turn':
      return e.turn > 1 ? '\n' : undefined;
    case 'text':
      return e.delta;
    case 'toolCall':
      return `\n▶ ${e.call.name} ${JSON.stringify(e.call.arguments).slice(0, 300)}${e.call.origin === 'text' ? ' (written as text)' : ''}\n`;
    case 'toolResult':
      return `  ${e.result.status === 'ok' ? '✓' : e.result.status === 'denied' ? '✗ denied:' : '✗'} ${e.result.summary}${e.result.status === 'ok' ? '' : ` — ${e.result.output.split('\n', 1)[0]!.slice(0, 300)}`}\n`;
    case 'todo':
      return `  plan:\n${e.items.map((i) => `    [${i.status === 'done' ? 'x' : i.status === 'in_progress' ? '~' : ' '}] ${i.text}`).join('\n')}\n`;
    case 'compaction':
      return `  (compacted ${e.compactedResults} older tool results: ${e.tokensBefore} → ${e.tokensAfter} tokens of ${e.numCtx})\n`;
    case 'notice':
      return `  ${e.level === 'warn' ? '!' : 'i'} ${e.message}\n`;
    default:
      return undefined;
  }
}
