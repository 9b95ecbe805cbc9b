/**
 * `tandem/edit/plan`: the instruction, the picked (and active) files, the workspace
 * listing and related code to the `edit` model, whose JSON plan is validated
 * (`plan.ts`: paths confined to the workspace, actions that fit the files) and kept in
 * the plan store with the content hash of every file it changes, so that
 * `tandem/edit/propose` can refuse a step whose file changed since.
 */
import { existsSync } from 'node:fs';
import { ErrorCodes, TandemError, type EditPlanRequest, type EditPlanStep, type RejectedEdit, type z } from '../../protocol';
import { languageIdForPath } from '../languages';
import type { GenerationResult } from '../router/types';
import type { RequestContext } from '../server/rpc';
import { contentHash } from '../../shared/hash';
import { resolveWorkspacePath, type PathCheck, type SafePath } from '../../shared/paths';
import { PlanError, validatePlan, type ValidatedPlan, type ValidStep } from './plan';
import { planMessages } from './prompts';
import { relatedCode } from './related';
import { proposalTimings, type EditState } from './state';
import { canonicalPath, clip, documentsMap, requireSafe, sessionRoots, textReader, workspaceListing } from './workspace';

/** Per-file and total characters of picked files quoted in the planning prompt. */
const PLAN_FILE_CHARS = 16_000;
const PLAN_FILES_TOTAL_CHARS = 48_000;

type PlanParams = z.output<typeof EditPlanRequest.params>;
type TextOf = (path: string) => string | undefined;

export async function planEdit(edit: EditState, params: PlanParams, { session, signal }: RequestContext): Promise<EditPlanRequest.Result> {
  const { host } = edit;
  const started = performance.now();
  const roots = sessionRoots(session);
  const root = planRoot(roots, params.root);
  const docs = documentsMap(params.documents);
  const textOf = textReader(docs, roots);
  const picked = params.files.map((f) => requireSafe(f, roots, `plan with ${f}`));
  const active = params.activePath !== undefined ? resolveWorkspacePath(canonicalPath(params.activePath), roots) : undefined;
  const files = quotedFiles(picked, active, textOf);
  const listing = await workspaceListing(root);
  const relatedText = await relatedCode(host, {
    query: params.instruction,
    path: active?.ok ? active.path : undefined,
    root,
    roots,
    task: 'edit',
    signal,
  });
  const contextMs = performance.now() - started;
  const modelStarted = performance.now();
  const result = await host.router.chat({
    task: 'edit',
    json: true,
    messages: planMessages({
      instruction: params.instruction,
      listing: listing.files,
      listingTruncated: listing.truncated,
      files,
      related: relatedText,
    }),
    sessionKey: params.sessionKey ?? session.id,
    signal,
    onDelta: host.stream(session, params.streamId),
  });
  const modelMs = performance.now() - modelStarted;
  const validated = usablePlan(result, { roots, base: root, exists: (p) => docs.has(p) || existsSync(p) });
  const guarded = guardSteps(validated, textOf);
  const plan = edit.plans.add({
    sessionId: session.id,
    roots,
    root,
    instruction: params.instruction,
    summary: validated.summary,
    steps: guarded.kept,
    hashes: guarded.hashes,
  });
  edit.proposals.inc({ kind: 'plan', result: guarded.steps.length > 0 ? 'changes' : 'none' });
  host.logger.info(
    `Edit plan ${plan.id}: ${guarded.steps.length} step(s), ${guarded.rejected.length} refused, by ${result.model} on ${result.backend} in ${Math.round(performance.now() - started)} ms.`,
  );
  return {
    planId: plan.id,
    summary: validated.summary,
    steps: guarded.steps,
    rejected: guarded.rejected,
    model: result.model,
    backend: result.backend,
    timings: proposalTimings(started, contextMs, modelMs),
  };
}

/** The root the plan is based in: the one asked for (it must be registered on this connection), else the first. */
function planRoot(roots: string[], asked: string | undefined): string {
  if (asked === undefined) return roots[0]!;
  const wanted = canonicalPath(asked);
  if (!roots.includes(wanted)) {
    throw new TandemError(ErrorCodes.WorkspaceNotRegistered, `${asked} is not a workspace folder registered on this connection.`, {
      hint: 'Register it with tandem/workspace/register first.',
    });
  }
  return wanted;
}

/** The picked files and the active one, clipped, as the planning prompt quotes them. */
function quotedFiles(
  picked: SafePath[],
  active: PathCheck | undefined,
  textOf: TextOf,
): Array<{ relativePath: string; text: string; languageId?: string }> {
  const shown = [...picked];
  if (active?.ok && !shown.some((s) => s.path === active.path)) shown.push(active);
  let budget = PLAN_FILES_TOTAL_CHARS;
  const files: Array<{ relativePath: string; text: string; languageId?: string }> = [];
  for (const f of shown) {
    const text = textOf(f.path);
    if (text === undefined || budget <= 0) continue;
    const clipped = clip(text, Math.min(PLAN_FILE_CHARS, budget));
    budget -= clipped.length;
    files.push({ relativePath: f.relative, text: clipped, languageId: languageIdForPath(f.path) });
  }
  return files;
}

/** The model's plan, validated; an unusable one is the model's failure (`UpstreamError`) with what to do. */
function usablePlan(result: GenerationResult, ctx: Parameters<typeof validatePlan>[1]): ValidatedPlan {
  try {
    return validatePlan(result.text, ctx);
  } catch (err) {
    if (err instanceof PlanError) {
      throw new TandemError(ErrorCodes.UpstreamError, `The ${result.model} model did not produce a usable plan. ${err.message}`, {
        hint: 'Try again, or make the instruction more specific (name the files to change).',
        details: { model: result.model, backend: result.backend },
      });
    }
    throw err;
  }
}

/**
 * The base hash of every existing file a step changes. A step on a file that cannot be
 * read as text (binary, too large) cannot be guarded, so it is refused.
 */
function guardSteps(
  validated: ValidatedPlan,
  textOf: TextOf,
): { steps: EditPlanStep[]; kept: ValidStep[]; rejected: RejectedEdit[]; hashes: Map<string, string> } {
  const hashes = new Map<string, string>();
  const steps: EditPlanStep[] = validated.steps.map((s) => {
    let baseHash: string | undefined;
    if (s.action !== 'create') {
      const text = textOf(s.path);
      if (text !== undefined) {
        baseHash = contentHash(text);
        hashes.set(s.path, baseHash);
      }
    }
    return {
      id: s.id,
      action: s.action,
      path: s.path,
      relativePath: s.relativePath,
      ...(s.newPath !== undefined ? { newPath: s.newPath } : {}),
      description: s.description,
      dependsOn: s.dependsOn,
      ...(baseHash !== undefined ? { baseHash } : {}),
    };
  });
  const unreadable = validated.steps.filter((s) => s.action !== 'create' && !hashes.has(s.path));
  const rejected: RejectedEdit[] = [...validated.rejected];
  for (const s of unreadable) {
    rejected.push({
      kind: 'missing',
      reason: `Step "${s.id}" would ${s.action} ${s.relativePath}, which cannot be read as a text file (binary or larger than 1 MB).`,
      stepId: s.id,
      path: s.path,
    });
  }
  const keptSteps = steps.filter((s) => !unreadable.some((u) => u.id === s.id));
  return { steps: keptSteps, kept: validated.steps.filter((s) => keptSteps.some((k) => k.id === s.id)), rejected, hashes };
}
