/**
 * Validation of the planner's answer for a multi-file edit.
 *
 * The `edit` model answers with JSON: `{ "summary": "...", "steps": [{ "id": "s1",
 * "action": "modify" | "create" | "delete" | "rename", "path": "src/a.ts",
 * "newPath": "...", "description": "...", "dependsOn": ["s0"] }] }`. This module
 * extracts the JSON (bare, fenced or inside prose), checks its shape with zod, then each
 * step: a safe path (shared/paths.ts), an action that fits whether the file
 * exists, one step per file, unique ids, known dependencies and no cycles. Bad steps
 * are refused with a reason (the rest of the plan stands); steps depending on a refused
 * step are refused too. The result is in execution order (dependencies first, otherwise
 * the model's order). Pure: file existence comes in through `exists`.
 */
import { z } from 'zod';
import type { EditAction, RejectedEdit } from '../../protocol';
import { resolveWorkspacePath, type PathFlavor, type PathFs } from '../../shared/paths';

export const MAX_PLAN_STEPS = 20;

const actionSynonyms: Record<string, EditAction> = {
  modify: 'modify',
  edit: 'modify',
  update: 'modify',
  change: 'modify',
  create: 'create',
  add: 'create',
  new: 'create',
  delete: 'delete',
  remove: 'delete',
  rename: 'rename',
  move: 'rename',
};

const zId = z.union([z.string().trim().min(1).max(64), z.number().int()]).transform(String);

const zRawStep = z
  .object({
    id: zId.optional(),
    action: z
      .string()
      .trim()
      .transform((a) => a.toLowerCase())
      .refine((a) => a in actionSynonyms, { message: 'action must be one of modify, create, delete, rename' })
      .transform((a) => actionSynonyms[a]!),
    path: z.string().trim().min(1).max(4096),
    newPath: z.string().trim().min(1).max(4096).optional(),
    new_path: z.string().trim().min(1).max(4096).optional(),
    description: z.string().max(4000).default(''),
    dependsOn: z.array(zId).max(MAX_PLAN_STEPS).optional(),
    depends_on: z.array(zId).max(MAX_PLAN_STEPS).optional(),
  })
  .transform((s) => ({
    id: s.id,
    action: s.action,
    path: s.path,
    newPath: s.newPath ?? s.new_path,
    description: s.description.trim(),
    dependsOn: s.dependsOn ?? s.depends_on ?? [],
  }));

/** The planner's JSON as the model must write it. */
export const zRawPlan = z.object({
  summary: z.string().max(2000).default(''),
  steps: z.array(zRawStep).min(1, 'the plan has no steps').max(MAX_PLAN_STEPS, `a plan has at most ${MAX_PLAN_STEPS} steps`),
});
export type RawPlan = z.output<typeof zRawPlan>;

export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

export interface ValidStep {
  id: string;
  action: EditAction;
  path: string;
  relativePath: string;
  newPath?: string;
  newRelativePath?: string;
  description: string;
  dependsOn: string[];
}

export interface ValidatedPlan {
  summary: string;
  /** Execution order. */
  steps: ValidStep[];
  rejected: RejectedEdit[];
}

export interface PlanContext {
  roots: readonly string[];
  /** Base for relative paths (default: the first root). */
  base?: string;
  /** Whether a file exists at the absolute path (open documents count). */
  exists(absPath: string): boolean;
  flavor?: PathFlavor;
  fs?: PathFs;
}

/** The first JSON object (or array of steps) in a model answer. */
export function extractJson(answer: string): unknown {
  const text = answer.trim();
  const attempts: string[] = [text];
  const fence = /```(?:json|JSON)?\s*\n([\s\S]*?)\n\s*```/.exec(text);
  if (fence) attempts.push(fence[1]!);
  const balanced = firstBalanced(text);
  if (balanced) attempts.push(balanced);
  for (const a of attempts) {
    try {
      const v = JSON.parse(a) as unknown;
      return Array.isArray(v) ? { steps: v } : v;
    } catch {
      // Try the next candidate.
    }
  }
  throw new PlanError(`The model's plan is not valid JSON (it starts with ${JSON.stringify(text.slice(0, 80))}).`);
}

/** The first balanced `{…}` or `[…]` in `text`, honouring JSON strings. */
function firstBalanced(text: string): string | undefined {
  const start = text.search(/[{[]/);
  if (start < 0) return undefined;
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') stack.push(ch === '{' ? '}' : ']');
    else if (ch === '}' || ch === ']') {
      if (stack.pop() !== ch) return undefined;
      if (stack.length === 0) return text.slice(start, i + 1);
    }
  }
  return undefined;
}

export function parsePlan(answer: string | unknown): RawPlan {
  const json = typeof answer === 'string' ? extractJson(answer) : answer;
  const parsed = zRawPlan.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.length > 0 ? i.path.join('.') : 'plan'}: ${i.message}`);
    throw new PlanError(`The model's plan does not have the expected shape: ${problems.join('; ')}.`);
  }
  return parsed.data;
}

/** Parse and validate a plan answer. Throws `PlanError` when nothing usable is there. */
export function validatePlan(answer: string | unknown, ctx: PlanContext): ValidatedPlan {
  const raw = parsePlan(answer);
  const rejected: RejectedEdit[] = [];
  const resolve = (p: string) => resolveWorkspacePath(p, ctx.roots, { base: ctx.base, flavor: ctx.flavor, fs: ctx.fs });
  const key = (abs: string) => (ctx.flavor === 'win32' ? abs.toLowerCase() : abs);

  // Ids: given ones must be unique; missing ones are numbered.
  const seenIds = new Set<string>();
  const candidates: ValidStep[] = [];
  const claimed = new Map<string, string>();
  raw.steps.forEach((s, k) => {
    const id = s.id ?? `step${k + 1}`;
    const refuse = (kind: RejectedEdit['kind'], reason: string, path?: string) =>
      rejected.push({ kind, reason, stepId: id, path: path ?? s.path });
    if (seenIds.has(id)) {
      refuse('invalid_plan', `Step ${k + 1} reuses the id "${id}"; step ids must be unique.`);
      return;
    }
    seenIds.add(id);
    const where = resolve(s.path);
    if (!where.ok) {
      refuse('unsafe_path', `Step "${id}" (${s.action} ${s.path}) was refused: ${where.reason}`);
      return;
    }
    const exists = ctx.exists(where.path);
    if ((s.action === 'modify' || s.action === 'delete' || s.action === 'rename') && !exists) {
      refuse('missing', `Step "${id}" would ${s.action} ${where.relative}, which does not exist.`, where.path);
      return;
    }
    if (s.action === 'create' && exists) {
      refuse('exists', `Step "${id}" would create ${where.relative}, which exists already; it must be modified instead.`, where.path);
      return;
    }
    let newPath: string | undefined;
    let newRelativePath: string | undefined;
    if (s.action === 'rename') {
      if (s.newPath === undefined) {
        refuse('invalid_plan', `Step "${id}" renames ${where.relative} but gives no newPath.`, where.path);
        return;
      }
      const to = resolve(s.newPath);
      if (!to.ok) {
        refuse('unsafe_path', `Step "${id}" (rename to ${s.newPath}) was refused: ${to.reason}`, s.newPath);
        return;
      }
      if (ctx.exists(to.path)) {
        refuse('exists', `Step "${id}" would rename ${where.relative} to ${to.relative}, which exists already.`, to.path);
        return;
      }
      if (claimed.has(key(to.path))) {
        refuse(
          'invalid_plan',
          `Step "${id}" renames to ${to.relative}, which step "${claimed.get(key(to.path))}" already handles; one step per file.`,
          to.path,
        );
        return;
      }
      newPath = to.path;
      newRelativePath = to.relative;
    }
    if (claimed.has(key(where.path))) {
      refuse(
        'invalid_plan',
        `Step "${id}" is a second step for ${where.relative} (step "${claimed.get(key(where.path))}" already handles it); one step per file.`,
        where.path,
      );
      return;
    }
    claimed.set(key(where.path), id);
    if (newPath !== undefined) claimed.set(key(newPath), id);
    candidates.push({
      id,
      action: s.action,
      path: where.path,
      relativePath: where.relative,
      ...(newPath !== undefined ? { newPath, newRelativePath } : {}),
      description: s.description || `${s.action} ${where.relative}`,
      dependsOn: [...new Set(s.dependsOn.filter((d) => d !== id))],
    });
  });

  // Dependencies: unknown ids are plan errors; refused ones fail the dependent step.
  const refusedIds = new Set(rejected.map((r) => r.stepId));
  let live = candidates;
  for (let changed = true; changed;) {
    changed = false;
    const liveIds = new Set(live.map((s) => s.id));
    const next: ValidStep[] = [];
    for (const s of live) {
      const unknown = s.dependsOn.find((d) => !liveIds.has(d) && !refusedIds.has(d) && !seenIds.has(d));
      const failed = s.dependsOn.find((d) => !liveIds.has(d) && (refusedIds.has(d) || seenIds.has(d)));
      if (unknown !== undefined) {
        rejected.push({
          kind: 'invalid_plan',
          reason: `Step "${s.id}" depends on "${unknown}", which is not a step of the plan.`,
          stepId: s.id,
          path: s.path,
        });
      } else if (failed !== undefined) {
        rejected.push({
          kind: 'dependency_failed',
          reason: `Step "${s.id}" depends on step "${failed}", which was refused.`,
          stepId: s.id,
          path: s.path,
        });
      } else {
        next.push(s);
        continue;
      }
      refusedIds.add(s.id);
      changed = true;
    }
    live = next;
  }

  // Order: Kahn's algorithm, ready steps in the model's order; what is left is a cycle.
  const order: ValidStep[] = [];
  const done = new Set<string>();
  let pending = live;
  while (pending.length > 0) {
    const ready = pending.find((s) => s.dependsOn.every((d) => done.has(d)));
    if (!ready) break;
    order.push(ready);
    done.add(ready.id);
    pending = pending.filter((s) => s !== ready);
  }
  if (pending.length > 0) {
    const ids = pending.map((s) => `"${s.id}"`).join(', ');
    for (const s of pending) {
      rejected.push({
        kind: 'invalid_plan',
        reason: `Step "${s.id}" is part of (or waits on) a dependency cycle among steps ${ids}.`,
        stepId: s.id,
        path: s.path,
      });
    }
  }
  return { summary: raw.summary.trim(), steps: order, rejected };
}
