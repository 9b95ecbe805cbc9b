/**
 * The tools about the task itself: todo (the agent's plan, shown to the user),
 * remember (a project memory note, stored only after the user approved it) and
 * get_diagnostics (the problems the editor shows).
 */
import { z } from 'zod';
import { MemoryKinds } from '../../../protocol';
import { ToolError } from '../workspace-files';
import { tool, type ToolOutput } from './types';

export const todoTool = tool({
  name: 'todo',
  kind: 'meta',
  description:
    'Write down your plan as a short list of steps and keep it current: call it with the whole list each time, marking steps in_progress and done. The user sees it.',
  schema: z.object({
    items: z
      .array(z.object({ text: z.string().trim().min(1).max(500), status: z.enum(['pending', 'in_progress', 'done']).default('pending') }))
      .max(50),
  }),
  async run(args, ctx): Promise<ToolOutput> {
    ctx.todo.items = args.items.map((it, i) => ({ id: String(i + 1), text: it.text, status: it.status }));
    ctx.emit({ kind: 'todo', items: ctx.todo.items });
    const done = ctx.todo.items.filter((i) => i.status === 'done').length;
    return {
      output: `Plan updated (${done}/${ctx.todo.items.length} done):\n${ctx.todo.items.map((i) => `${i.id}. [${i.status}] ${i.text}`).join('\n')}`,
      summary: `plan: ${done}/${ctx.todo.items.length} done`,
    };
  },
});

export const rememberTool = tool({
  name: 'remember',
  kind: 'meta',
  description:
    'Propose a project memory note for future tasks: a decision, a constraint, a todo, a glossary term or a link. The user approves it before it is stored.',
  schema: z.object({
    kind: z.enum(MemoryKinds),
    title: z.string().trim().min(1).max(200),
    body: z.string().max(5000).default(''),
    tags: z
      .array(
        z
          .string()
          .trim()
          .min(1)
          .max(50)
          .regex(/^[^\s,]+$/),
      )
      .max(10)
      .default([]),
  }),
  async run(args, ctx): Promise<ToolOutput> {
    if (!ctx.approvedForTask.has('memory')) {
      if (!ctx.ide.canApprove) throw new ToolError(`The note was not stored: ${ctx.ide.limitation ?? 'nobody can approve it'}`, 'denied');
      const answer = await ctx.ide.approve(
        { taskId: ctx.taskId, approval: { kind: 'memory', callId: ctx.callId, note: args } },
        ctx.signal,
      );
      if (answer.decision === 'deny')
        throw new ToolError(`The user did not want this note stored${answer.reason ? `: ${answer.reason}` : '.'}`, 'denied');
      if (answer.decision === 'task') ctx.approvedForTask.add('memory');
    }
    const { note, archivedIds } = ctx.memory.add({ workspace: ctx.workspace, ...args, source: 'agent' });
    ctx.memoryChanged([note.id, ...archivedIds]);
    return { output: `Stored the ${args.kind} note "${args.title}".`, summary: `remembered ${args.kind}: ${args.title}` };
  },
});

export const getDiagnosticsTool = tool({
  name: 'get_diagnostics',
  kind: 'read',
  description: 'The problems (errors, warnings) the editor reports, for some files or for every file that has any.',
  schema: z.object({
    paths: z.array(z.string().min(1).max(4096)).max(50).optional().describe('Files to ask about; default every file with problems.'),
  }),
  async run(args, ctx): Promise<ToolOutput> {
    const paths = args.paths?.map((p) => ctx.files.resolve(p).path);
    const files = await ctx.ide.diagnostics({ taskId: ctx.taskId, ...(paths ? { paths } : {}) }, ctx.signal);
    const lines: string[] = [];
    let count = 0;
    for (const f of files) {
      const check = ctx.files.relative(f.path);
      for (const d of f.diagnostics) {
        count++;
        const code = d.code !== undefined ? ` ${d.source ?? ''}(${d.code})` : d.source ? ` ${d.source}` : '';
        lines.push(`${check}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity}${code}: ${d.message}`);
      }
    }
    if (count === 0) return { output: paths ? 'No problems in these files.' : 'No problems reported.', summary: 'diagnostics: none' };
    return { output: lines.join('\n'), summary: `diagnostics: ${count} problem${count === 1 ? '' : 's'}` };
  },
});
