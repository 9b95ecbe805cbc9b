/**
 * The auto-fix and multi-file edit feature of tandemd: `tandem/fix/propose`,
 * `tandem/edit/plan`, `tandem/edit/propose`, `tandem/fix/outcome`, `tandem/fix/stats`.
 *
 * The daemon proposes and never writes: every change goes back to the client, which
 * previews and applies it. Paths are confined to the roots the session registered
 * (daemon/edit/paths.ts); changes to existing files carry the hash of the text they
 * were computed from, and a step whose file changed after planning is refused.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { Counter } from 'prom-client';
import {
  EditPlanRequest,
  EditProgressNotification,
  EditProposeRequest,
  ErrorCodes,
  FixOutcomeRequest,
  FixProposeRequest,
  FixStatsRequest,
  StreamDeltaNotification,
  TandemError,
  isCancellation,
  type EditPlanStep,
  type FileChange,
  type OpenDocument,
  type RejectedEdit,
} from '../../protocol';
import type { DaemonHost } from '../daemon';
import { IgnoreRules } from '../context/ignore-rules';
import { walk } from '../context/walker';
import { languageIdForPath } from '../languages';
import type { ChatMessage, GenerationResult } from '../router/types';
import type { Session } from '../server/rpc';
import { applyTextEdits } from './apply';
import { changesFromAnswer } from './changes';
import { parseEditResponse, parseNewFileContent } from './format';
import { contentHash, stripBom } from '../../shared/hash';
import { EditOutcomeStore } from './outcomes';
import { resolveWorkspacePath } from '../../shared/paths';
import { PlanError, validatePlan, type ValidStep } from './plan';
import { fixMessages, planMessages, stepMessages } from './prompts';

/** Plans are kept this long for `tandem/edit/propose`. */
const PLAN_TTL_MS = 30 * 60 * 1000;
const MAX_PLANS = 50;
/** Largest file read from disk for a prompt. */
const MAX_FILE_BYTES = 1024 * 1024;
/** Per-file and total characters of picked files quoted in the planning prompt. */
const PLAN_FILE_CHARS = 16_000;
const PLAN_FILES_TOTAL_CHARS = 48_000;
/** Characters of earlier steps' results quoted in a step prompt. */
const EARLIER_CHARS = 12_000;
const LISTING_MAX_FILES = 300;
/** Share of the task's prompt budget that retrieval may take. */
const RETRIEVAL_SHARE = 0.25;
const RETRIEVAL_MAX_TOKENS = 3000;

interface StoredPlan {
  id: string;
  sessionId: string;
  roots: string[];
  root: string;
  instruction: string;
  summary: string;
  steps: ValidStep[];
  hashes: Map<string, string>;
  createdAt: number;
}

/** Canonical form of a client path: symlinks of its existing part resolved. */
export function canonicalPath(p: string): string {
  let existing = p;
  const rest: string[] = [];
  for (;;) {
    try {
      const real = realpathSync.native(existing);
      return rest.length > 0 ? join(real, ...rest) : real;
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return p;
      rest.unshift(basename(existing));
      existing = parent;
    }
  }
}

/** The text of a file from disk (BOM stripped, so offsets match the editor's), or undefined. */
export function readDiskText(path: string): string | undefined {
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size > MAX_FILE_BYTES) return undefined;
    const text = readFileSync(path, 'utf8');
    if (text.includes('\u0000')) return undefined;
    return stripBom(text);
  } catch {
    return undefined;
  }
}

function documentsMap(docs: readonly OpenDocument[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const d of docs) map.set(canonicalPath(d.path), stripBom(d.text));
  return map;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n… (clipped)`;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

export function registerEdits(host: DaemonHost): () => void {
  const outcomes = new EditOutcomeStore(host.db);
  const plans = new Map<string, StoredPlan>();
  const proposalsMetric = new Counter({
    name: 'tandem_edit_proposals_total',
    help: 'Fix and multi-file edit proposals, by kind (fix, plan, edit) and whether they produced any change.',
    labelNames: ['kind', 'result'] as const,
    registers: [host.metrics.registry],
  });
  const outcomesMetric = new Counter({
    name: 'tandem_edit_outcomes_total',
    help: 'Reported outcomes of fixes and multi-file edits (resolved = the diagnostic disappeared).',
    labelNames: ['kind', 'outcome'] as const,
    registers: [host.metrics.registry],
  });

  const rootsOf = (session: Session): string[] => {
    const roots = [...session.roots];
    if (roots.length === 0) {
      throw new TandemError(
        ErrorCodes.WorkspaceNotRegistered,
        'No workspace folder is registered on this connection, so nothing can be edited.',
        {
          hint: 'Open a folder in VS Code (Tandem registers it with tandem/workspace/register).',
        },
      );
    }
    return roots;
  };

  const requireSafe = (path: string, roots: string[], what: string) => {
    const check = resolveWorkspacePath(canonicalPath(path), roots);
    if (!check.ok)
      throw new TandemError(ErrorCodes.PathOutsideWorkspace, `Cannot ${what}: ${check.reason}`, {
        hint: 'Tandem only edits files inside the open workspace folders.',
      });
    return check;
  };

  const retrievalBudget = (task: 'fix' | 'edit') => {
    const cfg = host.config().tasks[task];
    return Math.min(RETRIEVAL_MAX_TOKENS, Math.floor(Math.max(0, cfg.num_ctx - cfg.num_predict) * RETRIEVAL_SHARE));
  };

  /** Related definitions and project rules; retrieval trouble never fails the request. */
  const related = async (req: {
    query: string;
    path?: string;
    languageId?: string;
    root: string;
    task: 'fix' | 'edit';
    signal: AbortSignal;
  }): Promise<string> => {
    const budgetTokens = retrievalBudget(req.task);
    if (budgetTokens <= 0) return '';
    try {
      const assembled = await host.context.assembleChat({
        query: req.query.slice(0, 4000),
        path: req.path,
        languageId: req.languageId,
        root: req.root,
        budgetTokens,
        signal: req.signal,
      });
      return assembled.text;
    } catch (err) {
      if (req.signal.aborted || isCancellation(err)) throw err;
      host.logger.warn(`Edit: context retrieval failed, continuing without related code: ${(err as Error).message}`);
      return '';
    }
  };

  const streamer = (session: Session, streamId: string | undefined) => {
    let seq = 0;
    return streamId
      ? (delta: string) =>
          void session.connection.sendNotification(StreamDeltaNotification.type, { streamId, seq: seq++, delta }).catch(() => undefined)
      : undefined;
  };

  const prunePlans = () => {
    const now = Date.now();
    for (const [id, p] of plans) if (now - p.createdAt > PLAN_TTL_MS) plans.delete(id);
    while (plans.size >= MAX_PLANS) plans.delete(plans.keys().next().value!);
  };

  host.rpc.register(FixProposeRequest, async (params, { session, signal }) => {
    const started = performance.now();
    const roots = rootsOf(session);
    const doc = requireSafe(params.document.path, roots, `fix ${params.document.path}`);
    const text = stripBom(params.document.text);
    const diagnostics = params.diagnostics;
    const lines = text.split('\n');
    const query = diagnostics
      .map((d) => `${d.message}\n${lines.slice(Math.max(0, d.range.start.line - 2), d.range.end.line + 3).join('\n')}`)
      .join('\n');
    const relatedText = await related({
      query,
      path: doc.path,
      languageId: params.document.languageId,
      root: doc.root,
      task: 'fix',
      signal,
    });
    const contextMs = performance.now() - started;
    const messages = fixMessages({
      relativePath: doc.relative,
      languageId: params.document.languageId,
      text,
      diagnostics,
      related: relatedText,
    });
    const modelStarted = performance.now();
    const result = await host.router.chat({
      task: 'fix',
      messages,
      sessionKey: params.sessionKey ?? session.id,
      signal,
      onDelta: streamer(session, params.streamId),
    });
    const modelMs = performance.now() - modelStarted;
    const parsed = parseEditResponse(result.text);
    const proposed = changesFromAnswer(parsed, {
      roots,
      defaultPath: doc.path,
      allowedPaths: [doc.path],
      partial: true,
      acceptWholeFile: true,
      readText: (p) => (p === doc.path ? text : undefined),
    });
    if (proposed.changes.length === 0 && proposed.rejected.length === 0) {
      proposed.rejected.push({
        kind: 'model_error',
        reason: `The ${result.model} model answered without any edit block, so there is nothing to apply.`,
        path: doc.path,
      });
    }
    const fixId = randomUUID();
    proposalsMetric.inc({ kind: 'fix', result: proposed.changes.length > 0 ? 'changes' : 'none' });
    host.logger.info(
      `Fix ${fixId}: ${diagnostics.length} problem(s) in ${doc.relative}, ${proposed.changes.length > 0 ? (proposed.changes[0] as { edits: unknown[] }).edits.length : 0} edit(s), ${proposed.rejected.length} refused, by ${result.model} on ${result.backend} in ${Math.round(performance.now() - started)} ms.`,
    );
    return {
      fixId,
      changes: proposed.changes,
      rejected: proposed.rejected,
      explanation: parsed.prose,
      model: result.model,
      backend: result.backend,
      timings: { contextMs: round(contextMs), modelMs: round(modelMs), totalMs: round(performance.now() - started) },
    };
  });

  host.rpc.register(EditPlanRequest, async (params, { session, signal }) => {
    const started = performance.now();
    const roots = rootsOf(session);
    let root = roots[0]!;
    if (params.root !== undefined) {
      const wanted = canonicalPath(params.root);
      if (!roots.includes(wanted)) {
        throw new TandemError(
          ErrorCodes.WorkspaceNotRegistered,
          `${params.root} is not a workspace folder registered on this connection.`,
          {
            hint: 'Register it with tandem/workspace/register first.',
          },
        );
      }
      root = wanted;
    }
    const docs = documentsMap(params.documents);
    const textOf = (p: string) => docs.get(p) ?? readDiskText(p);
    const picked = params.files.map((f) => requireSafe(f, roots, `plan with ${f}`));
    const active = params.activePath !== undefined ? resolveWorkspacePath(canonicalPath(params.activePath), roots) : undefined;
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
    const listing = await workspaceListing(root);
    const relatedText = await related({
      query: params.instruction,
      path: active?.ok ? active.path : undefined,
      root,
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
      onDelta: streamer(session, params.streamId),
    });
    const modelMs = performance.now() - modelStarted;
    let validated;
    try {
      validated = validatePlan(result.text, { roots, base: root, exists: (p) => docs.has(p) || existsSync(p) });
    } catch (err) {
      if (err instanceof PlanError) {
        throw new TandemError(ErrorCodes.UpstreamError, `The ${result.model} model did not produce a usable plan. ${err.message}`, {
          hint: 'Try again, or make the instruction more specific (name the files to change).',
          details: { model: result.model, backend: result.backend },
        });
      }
      throw err;
    }
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
    // A step on a file that cannot be read as text (binary, too large) cannot be guarded.
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
    prunePlans();
    const planId = randomUUID();
    proposalsMetric.inc({ kind: 'plan', result: keptSteps.length > 0 ? 'changes' : 'none' });
    plans.set(planId, {
      id: planId,
      sessionId: session.id,
      roots,
      root,
      instruction: params.instruction,
      summary: validated.summary,
      steps: validated.steps.filter((s) => keptSteps.some((k) => k.id === s.id)),
      hashes,
      createdAt: Date.now(),
    });
    host.logger.info(
      `Edit plan ${planId}: ${keptSteps.length} step(s), ${rejected.length} refused, by ${result.model} on ${result.backend} in ${Math.round(performance.now() - started)} ms.`,
    );
    return {
      planId,
      summary: validated.summary,
      steps: keptSteps,
      rejected,
      model: result.model,
      backend: result.backend,
      timings: { contextMs: round(contextMs), modelMs: round(modelMs), totalMs: round(performance.now() - started) },
    };
  });

  host.rpc.register(EditProposeRequest, async (params, { session, signal }) => {
    const started = performance.now();
    const plan = plans.get(params.planId);
    if (!plan || plan.sessionId !== session.id || Date.now() - plan.createdAt > PLAN_TTL_MS) {
      throw new TandemError(
        ErrorCodes.NotFound,
        `No edit plan ${params.planId} on this connection; it may have expired (plans are kept 30 minutes).`,
        {
          hint: 'Run "Tandem: Edit Files…" again.',
        },
      );
    }
    const docs = documentsMap(params.documents);
    const textOf = (p: string) => docs.get(p) ?? readDiskText(p);
    const steps = params.stepIds ? plan.steps.filter((s) => params.stepIds!.includes(s.id)) : plan.steps;
    const changes: FileChange[] = [];
    const rejected: RejectedEdit[] = [];
    const states = new Map<string, 'done' | 'failed' | 'skipped'>();
    const reasons = new Map<string, string>();
    const earlier: Array<{ relativePath: string; text: string; languageId?: string }> = [];
    const onDelta = streamer(session, params.streamId);
    let last: GenerationResult | undefined;
    let contextMs = 0;
    let modelMs = 0;

    const progress = (index: number, step: ValidStep, state: EditProgressNotification.Params['state'], message?: string) =>
      void session.connection
        .sendNotification(EditProgressNotification.type, {
          planId: plan.id,
          stepId: step.id,
          index,
          total: steps.length,
          path: step.path,
          state,
          ...(message ? { message } : {}),
        })
        .catch(() => undefined);

    const fail = (step: ValidStep, kind: RejectedEdit['kind'], reason: string, state: 'failed' | 'skipped' = 'failed') => {
      rejected.push({ kind, reason, stepId: step.id, path: step.path });
      states.set(step.id, state);
      reasons.set(step.id, reason);
    };

    const callModel = async (messages: ChatMessage[]) => {
      const t = performance.now();
      const result = await host.router.chat({ task: 'edit', messages, sessionKey: params.sessionKey ?? session.id, signal, onDelta });
      modelMs += performance.now() - t;
      last = result;
      return result;
    };

    for (const [index, step] of steps.entries()) {
      signal.throwIfAborted();
      progress(index, step, 'running');
      const blocked = step.dependsOn.find((d) => states.get(d) === 'failed' || states.get(d) === 'skipped');
      if (blocked !== undefined) {
        fail(
          step,
          'dependency_failed',
          `Step "${step.id}" (${step.action} ${step.relativePath}) was skipped: step "${blocked}" it depends on did not succeed.`,
          'skipped',
        );
        progress(index, step, 'skipped', reasons.get(step.id));
        continue;
      }
      // Re-check the path now: a link may have been swapped in since planning.
      const check = resolveWorkspacePath(step.path, plan.roots);
      if (!check.ok) {
        fail(step, 'unsafe_path', `Step "${step.id}" was refused: ${check.reason}`);
        progress(index, step, 'failed', reasons.get(step.id));
        continue;
      }
      const current = step.action === 'create' ? undefined : textOf(step.path);
      if (step.action !== 'create') {
        if (current === undefined) {
          fail(step, 'missing', `Step "${step.id}" was refused: ${step.relativePath} no longer exists or cannot be read.`);
          progress(index, step, 'failed', reasons.get(step.id));
          continue;
        }
        if (contentHash(current) !== plan.hashes.get(step.path)) {
          fail(
            step,
            'changed_since_planning',
            `Step "${step.id}" was refused: ${step.relativePath} changed after the plan was made; its edits would overwrite that work. Plan again.`,
          );
          progress(index, step, 'failed', reasons.get(step.id));
          continue;
        }
      } else if (docs.has(step.path) || existsSync(step.path)) {
        fail(step, 'exists', `Step "${step.id}" was refused: ${step.relativePath} was created after the plan was made.`);
        progress(index, step, 'failed', reasons.get(step.id));
        continue;
      }
      if (step.action === 'rename') {
        const target = step.newPath !== undefined ? resolveWorkspacePath(step.newPath, plan.roots) : undefined;
        if (!target?.ok) {
          fail(step, 'unsafe_path', `Step "${step.id}" was refused: ${target ? target.reason : 'no target path'}`);
        } else if (docs.has(target.path) || existsSync(target.path)) {
          fail(step, 'exists', `Step "${step.id}" was refused: ${target.relative} exists already.`);
        } else {
          changes.push({
            kind: 'rename',
            path: step.path,
            newPath: target.path,
            baseHash: contentHash(current!),
            stepId: step.id,
            description: step.description,
          });
          states.set(step.id, 'done');
        }
        progress(index, step, states.get(step.id) === 'done' ? 'done' : 'failed', reasons.get(step.id));
        continue;
      }
      if (step.action === 'delete') {
        changes.push({ kind: 'delete', path: step.path, baseHash: contentHash(current!), stepId: step.id, description: step.description });
        states.set(step.id, 'done');
        progress(index, step, 'done');
        continue;
      }
      try {
        const ctxStarted = performance.now();
        const relatedText = await related({
          query: `${plan.instruction}\n${step.description}`,
          path: step.path,
          root: check.root,
          task: 'edit',
          signal,
        });
        contextMs += performance.now() - ctxStarted;
        const messages = stepMessages({
          instruction: plan.instruction,
          summary: plan.summary,
          step: { action: step.action, relativePath: step.relativePath, description: step.description },
          otherSteps: plan.steps
            .filter((s) => s.id !== step.id)
            .map((s) => ({ action: s.action, relativePath: s.relativePath, description: s.description })),
          earlier: earlier.map((e) => ({ ...e, text: clip(e.text, EARLIER_CHARS) })),
          related: relatedText,
          text: current,
          languageId: languageIdForPath(step.path),
        });
        const result = await callModel(messages);
        if (step.action === 'create') {
          const text = parseNewFileContent(result.text);
          if (text === undefined) {
            fail(step, 'model_error', `Step "${step.id}": the model's answer for the new file ${step.relativePath} was empty.`);
          } else {
            changes.push({ kind: 'create', path: step.path, text, stepId: step.id, description: step.description });
            earlier.push({ relativePath: step.relativePath, text, languageId: languageIdForPath(step.path) });
            states.set(step.id, 'done');
          }
        } else {
          const parsed = parseEditResponse(result.text);
          const proposed = changesFromAnswer(parsed, {
            roots: plan.roots,
            defaultPath: step.path,
            allowedPaths: [step.path],
            acceptWholeFile: true,
            readText: (p) => (p === step.path ? current : undefined),
            stepId: step.id,
            description: step.description,
          });
          rejected.push(...proposed.rejected);
          const change = proposed.changes.find((c) => c.kind === 'modify' && c.path === step.path);
          if (change && change.kind === 'modify' && proposed.rejected.length === 0) {
            changes.push(change);
            earlier.push({
              relativePath: step.relativePath,
              text: applyTextEdits(current!, change.edits),
              languageId: languageIdForPath(step.path),
            });
            states.set(step.id, 'done');
          } else {
            const why = proposed.rejected[0]?.reason ?? `the model's answer had no edit block for ${step.relativePath}`;
            states.set(step.id, 'failed');
            reasons.set(step.id, why);
            if (proposed.rejected.length === 0)
              rejected.push({ kind: 'model_error', reason: `Step "${step.id}": ${why}.`, stepId: step.id, path: step.path });
          }
        }
      } catch (err) {
        if (signal.aborted || isCancellation(err)) throw err;
        fail(step, 'model_error', `Step "${step.id}" (${step.action} ${step.relativePath}) failed: ${(err as Error).message}`);
      }
      progress(index, step, states.get(step.id) === 'done' ? 'done' : 'failed', reasons.get(step.id));
    }

    const cfg = host.config().tasks.edit;
    proposalsMetric.inc({ kind: 'edit', result: changes.length > 0 ? 'changes' : 'none' });
    host.logger.info(
      `Edit plan ${plan.id}: ${changes.length} change(s), ${rejected.length} refused, in ${Math.round(performance.now() - started)} ms.`,
    );
    return {
      planId: plan.id,
      changes,
      rejected,
      steps: steps.map((s) => ({
        id: s.id,
        state: states.get(s.id) ?? 'skipped',
        ...(reasons.has(s.id) ? { reason: reasons.get(s.id)! } : {}),
      })),
      model: last?.model ?? cfg.model,
      backend: last?.backend ?? 'none',
      timings: { contextMs: round(contextMs), modelMs: round(modelMs), totalMs: round(performance.now() - started) },
    };
  });

  host.rpc.register(FixOutcomeRequest, (params) => {
    try {
      outcomes.record(params);
      outcomesMetric.inc({ kind: params.kind, outcome: params.outcome });
    } catch (err) {
      throw new TandemError(ErrorCodes.StorageError, `Could not store the outcome: ${(err as Error).message}`, { cause: err });
    }
    return { stored: true as const };
  });

  host.rpc.register(FixStatsRequest, (params) => outcomes.stats(params));

  return () => {
    plans.clear();
    host.metrics.registry.removeSingleMetric('tandem_edit_proposals_total');
    host.metrics.registry.removeSingleMetric('tandem_edit_outcomes_total');
  };
}

/** Workspace-relative paths for the planner, honouring .gitignore; at most LISTING_MAX_FILES. */
async function workspaceListing(root: string): Promise<{ files: string[]; truncated: boolean }> {
  try {
    const rules = new IgnoreRules(root, {
      excludeDirs: ['.git', 'node_modules', 'dist', 'out', 'build', '.venv', 'venv', 'target', '__pycache__'],
      excludeGlobs: [],
    });
    const result = await walk(root, { rules, maxFileBytes: MAX_FILE_BYTES, maxFiles: LISTING_MAX_FILES + 1 });
    const files = result.files.map((f) => f.rel).sort();
    return {
      files: files.slice(0, LISTING_MAX_FILES),
      truncated: files.length > LISTING_MAX_FILES || (result.skipped['over-file-limit'] ?? 0) > 0,
    };
  } catch {
    return { files: [], truncated: false };
  }
}
