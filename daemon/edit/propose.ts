/**
 * `tandem/edit/propose`: carry out a stored plan's steps in order, one `edit` model call
 * per created or modified file, and return every change for the client to preview. A
 * step is refused (and the steps that depend on it skipped) when its path is no longer
 * safe, its file changed or vanished since planning, its target exists already, or the
 * model's answer does not apply; `tandem/edit/progress` reports each step as it goes.
 */
import { existsSync } from 'node:fs';
import {
  ErrorCodes,
  EditProgressNotification,
  TandemError,
  isCancellation,
  type EditProposeRequest,
  type FileChange,
  type RejectedEdit,
  type z,
} from '../../protocol';
import { languageIdForPath } from '../languages';
import type { ChatMessage, GenerationResult } from '../router/types';
import type { RequestContext, Session } from '../server/rpc';
import { applyTextEdits } from './apply';
import { changesFromAnswer } from './changes';
import { parseEditResponse, parseNewFileContent } from './format';
import { contentHash } from '../../shared/hash';
import { resolveWorkspacePath } from '../../shared/paths';
import type { ValidStep } from './plan';
import type { StoredPlan } from './plan-store';
import { stepMessages } from './prompts';
import { relatedCode } from './related';
import { proposalTimings, type EditState } from './state';
import { clip, documentsMap, textReader } from './workspace';

/** Characters of earlier steps' results quoted in a step prompt. */
const EARLIER_CHARS = 12_000;

type ProposeParams = z.output<typeof EditProposeRequest.params>;
type StepState = 'done' | 'failed' | 'skipped';

export async function proposeEdits(edit: EditState, params: ProposeParams, ctx: RequestContext): Promise<EditProposeRequest.Result> {
  const plan = edit.plans.get(params.planId, ctx.session.id);
  if (!plan) {
    throw new TandemError(
      ErrorCodes.NotFound,
      `No edit plan ${params.planId} on this connection; it may have expired (plans are kept 30 minutes).`,
      {
        hint: 'Run "Tandem: Edit Files…" again.',
      },
    );
  }
  return new ProposalRun(edit, plan, params, ctx).run();
}

/** One `tandem/edit/propose` call: the steps' outcomes so far and the changes they made. */
class ProposalRun {
  private readonly started = performance.now();
  private readonly session: Session;
  private readonly signal: AbortSignal;
  private readonly docs: Map<string, string>;
  private readonly textOf: (path: string) => string | undefined;
  private readonly steps: ValidStep[];
  private readonly changes: FileChange[] = [];
  private readonly rejected: RejectedEdit[] = [];
  private readonly states = new Map<string, StepState>();
  private readonly reasons = new Map<string, string>();
  /** Results of earlier steps, quoted to later ones. */
  private readonly earlier: Array<{ relativePath: string; text: string; languageId?: string }> = [];
  private readonly onDelta: (delta: string) => void;
  private last: GenerationResult | undefined;
  private contextMs = 0;
  private modelMs = 0;

  constructor(
    private readonly edit: EditState,
    private readonly plan: StoredPlan,
    private readonly params: ProposeParams,
    ctx: RequestContext,
  ) {
    this.session = ctx.session;
    this.signal = ctx.signal;
    this.docs = documentsMap(params.documents);
    this.textOf = textReader(this.docs, plan.roots);
    this.steps = params.stepIds ? plan.steps.filter((s) => params.stepIds!.includes(s.id)) : plan.steps;
    this.onDelta = edit.host.stream(ctx.session, params.streamId);
  }

  async run(): Promise<EditProposeRequest.Result> {
    for (const [index, step] of this.steps.entries()) await this.runStep(index, step);
    const { host } = this.edit;
    this.edit.proposals.inc({ kind: 'edit', result: this.changes.length > 0 ? 'changes' : 'none' });
    host.logger.info(
      `Edit plan ${this.plan.id}: ${this.changes.length} change(s), ${this.rejected.length} refused, in ${Math.round(performance.now() - this.started)} ms.`,
    );
    return {
      planId: this.plan.id,
      changes: this.changes,
      rejected: this.rejected,
      steps: this.steps.map((s) => ({
        id: s.id,
        state: this.states.get(s.id) ?? 'skipped',
        ...(this.reasons.has(s.id) ? { reason: this.reasons.get(s.id)! } : {}),
      })),
      model: this.last?.model ?? host.config().tasks.edit.model,
      backend: this.last?.backend ?? 'none',
      timings: proposalTimings(this.started, this.contextMs, this.modelMs),
    };
  }

  private async runStep(index: number, step: ValidStep): Promise<void> {
    this.signal.throwIfAborted();
    this.progress(index, step, 'running');
    const ready = this.precheck(step);
    if (ready) {
      if (step.action === 'rename') this.rename(step, ready.current!);
      else if (step.action === 'delete') this.delete(step, ready.current!);
      else await this.generate(step, step.action, ready.root, ready.current);
    }
    const state = this.states.get(step.id);
    this.progress(index, step, state === 'done' || state === 'skipped' ? state : 'failed', this.reasons.get(step.id));
  }

  /** Whether the step can run now; refuses it (recording why) when not. */
  private precheck(step: ValidStep): { root: string; current: string | undefined } | undefined {
    const blocked = step.dependsOn.find((d) => this.states.get(d) === 'failed' || this.states.get(d) === 'skipped');
    if (blocked !== undefined) {
      const reason = `Step "${step.id}" (${step.action} ${step.relativePath}) was skipped: step "${blocked}" it depends on did not succeed.`;
      this.fail(step, 'dependency_failed', reason, 'skipped');
      return undefined;
    }
    // Re-check the path now: a link may have been swapped in since planning.
    const check = resolveWorkspacePath(step.path, this.plan.roots);
    if (!check.ok) return this.fail(step, 'unsafe_path', `Step "${step.id}" was refused: ${check.reason}`);
    if (step.action === 'create') {
      if (this.exists(step.path)) {
        return this.fail(step, 'exists', `Step "${step.id}" was refused: ${step.relativePath} was created after the plan was made.`);
      }
      return { root: check.root, current: undefined };
    }
    const current = this.textOf(step.path);
    if (current === undefined) {
      return this.fail(step, 'missing', `Step "${step.id}" was refused: ${step.relativePath} no longer exists or cannot be read.`);
    }
    if (contentHash(current) !== this.plan.hashes.get(step.path)) {
      return this.fail(
        step,
        'changed_since_planning',
        `Step "${step.id}" was refused: ${step.relativePath} changed after the plan was made; its edits would overwrite that work. Plan again.`,
      );
    }
    return { root: check.root, current };
  }

  private rename(step: ValidStep, current: string): void {
    const target = step.newPath !== undefined ? resolveWorkspacePath(step.newPath, this.plan.roots) : undefined;
    if (!target?.ok) {
      this.fail(step, 'unsafe_path', `Step "${step.id}" was refused: ${target ? target.reason : 'no target path'}`);
    } else if (this.exists(target.path)) {
      this.fail(step, 'exists', `Step "${step.id}" was refused: ${target.relative} exists already.`);
    } else {
      this.changes.push({
        kind: 'rename',
        path: step.path,
        newPath: target.path,
        baseHash: contentHash(current),
        stepId: step.id,
        description: step.description,
      });
      this.states.set(step.id, 'done');
    }
  }

  private delete(step: ValidStep, current: string): void {
    this.changes.push({ kind: 'delete', path: step.path, baseHash: contentHash(current), stepId: step.id, description: step.description });
    this.states.set(step.id, 'done');
  }

  /** A created or modified file: related code, then the model's answer for this step. */
  private async generate(step: ValidStep, action: 'create' | 'modify', root: string, current: string | undefined): Promise<void> {
    const { plan, signal } = this;
    try {
      const ctxStarted = performance.now();
      const relatedText = await relatedCode(this.edit.host, {
        query: `${plan.instruction}\n${step.description}`,
        path: step.path,
        root,
        roots: plan.roots,
        task: 'edit',
        signal,
      });
      this.contextMs += performance.now() - ctxStarted;
      const messages = stepMessages({
        instruction: plan.instruction,
        summary: plan.summary,
        step: { action, relativePath: step.relativePath, description: step.description },
        otherSteps: plan.steps
          .filter((s) => s.id !== step.id)
          .map((s) => ({ action: s.action, relativePath: s.relativePath, description: s.description })),
        earlier: this.earlier.map((e) => ({ ...e, text: clip(e.text, EARLIER_CHARS) })),
        related: relatedText,
        text: current,
        languageId: languageIdForPath(step.path),
      });
      const result = await this.callModel(messages);
      if (action === 'create') this.acceptNewFile(step, result.text);
      else this.acceptModification(step, current!, result.text);
    } catch (err) {
      if (signal.aborted || isCancellation(err)) throw err;
      this.fail(step, 'model_error', `Step "${step.id}" (${step.action} ${step.relativePath}) failed: ${(err as Error).message}`);
    }
  }

  private acceptNewFile(step: ValidStep, answer: string): void {
    const text = parseNewFileContent(answer);
    if (text === undefined) {
      this.fail(step, 'model_error', `Step "${step.id}": the model's answer for the new file ${step.relativePath} was empty.`);
      return;
    }
    this.changes.push({ kind: 'create', path: step.path, text, stepId: step.id, description: step.description });
    this.earlier.push({ relativePath: step.relativePath, text, languageId: languageIdForPath(step.path) });
    this.states.set(step.id, 'done');
  }

  /** The answer's edit blocks for the step's file, all of which must apply. */
  private acceptModification(step: ValidStep, current: string, answer: string): void {
    const proposed = changesFromAnswer(parseEditResponse(answer), {
      roots: this.plan.roots,
      defaultPath: step.path,
      allowedPaths: [step.path],
      acceptWholeFile: true,
      readText: (p) => (p === step.path ? current : undefined),
      stepId: step.id,
      description: step.description,
    });
    this.rejected.push(...proposed.rejected);
    const change = proposed.changes.find((c) => c.kind === 'modify' && c.path === step.path);
    if (change && change.kind === 'modify' && proposed.rejected.length === 0) {
      this.changes.push(change);
      this.earlier.push({
        relativePath: step.relativePath,
        text: applyTextEdits(current, change.edits),
        languageId: languageIdForPath(step.path),
      });
      this.states.set(step.id, 'done');
      return;
    }
    const why = proposed.rejected[0]?.reason ?? `the model's answer had no edit block for ${step.relativePath}`;
    this.states.set(step.id, 'failed');
    this.reasons.set(step.id, why);
    if (proposed.rejected.length === 0) {
      this.rejected.push({ kind: 'model_error', reason: `Step "${step.id}": ${why}.`, stepId: step.id, path: step.path });
    }
  }

  private async callModel(messages: ChatMessage[]): Promise<GenerationResult> {
    const t = performance.now();
    const result = await this.edit.host.router.chat({
      task: 'edit',
      messages,
      sessionKey: this.params.sessionKey ?? this.session.id,
      signal: this.signal,
      onDelta: this.onDelta,
    });
    this.modelMs += performance.now() - t;
    this.last = result;
    return result;
  }

  private exists(path: string): boolean {
    return this.docs.has(path) || existsSync(path);
  }

  /** Refuse the step; returns undefined so that `precheck` can `return this.fail(…)`. */
  private fail(step: ValidStep, kind: RejectedEdit['kind'], reason: string, state: 'failed' | 'skipped' = 'failed'): undefined {
    this.rejected.push({ kind, reason, stepId: step.id, path: step.path });
    this.states.set(step.id, state);
    this.reasons.set(step.id, reason);
    return undefined;
  }

  private progress(index: number, step: ValidStep, state: EditProgressNotification.Params['state'], message?: string): void {
    this.edit.host.notify(this.session, EditProgressNotification, {
      planId: this.plan.id,
      stepId: step.id,
      index,
      total: this.steps.length,
      path: step.path,
      state,
      ...(message ? { message } : {}),
    });
  }
}
