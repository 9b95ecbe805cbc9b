/**
 * The fix and edit-files flows against a fake backend and a recording UI: what is
 * applied, previewed or refused, and which outcome is reported.
 */
import assert from 'node:assert/strict';
import type {
  EditPlanRequest,
  EditProgressNotification,
  EditProposeRequest,
  FileChange,
  FixOutcomeRequest,
  FixProposeRequest,
} from '../../../../protocol';
import { contentHash } from '../../../../shared/hash';
import type { PathFs } from '../../../../shared/paths';
import { nullLogger } from '../../../../extension/log';
import type { EditBackend } from '../../../../extension/edit/edit-backend';
import { runEditFiles, type EditUi } from '../../../../extension/edit/edit-flow';
import { firstSentence, runFix, type FixUi } from '../../../../extension/edit/fix-flow';
import type { OutcomeVerdict } from '../../../../extension/edit/outcome-watch';
import type { ChangeEnvironment, PreparedOperation } from '../../../../extension/edit/workspace-changes';

const ROOT = '/ws';
const SUM = 'export function sum(a: number, b: number) {\n  return a - b;\n}\n';
const files = new Map<string, string>([
  [`${ROOT}/sum.ts`, SUM],
  [`${ROOT}/b.ts`, 'b\n'],
]);
const fs: PathFs = { exists: (p) => p === ROOT || files.has(p), realpath: (p) => p };
const env: ChangeEnvironment = {
  folders: [{ path: ROOT, realPath: ROOT }],
  currentText: (p) => files.get(p),
  exists: (p) => files.has(p),
  flavor: 'posix',
  fs,
};
const diagnostic = {
  message: "Operator '-' is wrong",
  severity: 'error' as const,
  source: 'ts',
  code: 1,
  range: { start: { line: 1, character: 9 }, end: { line: 1, character: 14 } },
};
const fixEdit = { range: { start: { line: 1, character: 11 }, end: { line: 1, character: 12 } }, newText: '+' };

class FakeBackend implements EditBackend {
  fix?: FixProposeRequest.Result;
  planResult?: EditPlanRequest.Result;
  proposal?: EditProposeRequest.Result;
  progress: EditProgressNotification.Params[] = [];
  outcomes: FixOutcomeRequest.Params[] = [];
  calls: string[] = [];
  async proposeFix(params: FixProposeRequest.Params): Promise<FixProposeRequest.Result> {
    this.calls.push(`fix ${params.document.path} ${params.diagnostics.length}`);
    return this.fix!;
  }
  async plan(params: EditPlanRequest.Params): Promise<EditPlanRequest.Result> {
    this.calls.push(`plan ${params.instruction}`);
    return this.planResult!;
  }
  async propose(
    params: EditProposeRequest.Params,
    onProgress: (p: EditProgressNotification.Params) => void,
  ): Promise<EditProposeRequest.Result> {
    this.calls.push(`propose ${params.planId}`);
    for (const p of this.progress) onProgress(p);
    return this.proposal!;
  }
  async reportOutcome(params: FixOutcomeRequest.Params): Promise<void> {
    this.outcomes.push(params);
  }
}

function fixResult(changes: FileChange[], extra: Partial<FixProposeRequest.Result> = {}): FixProposeRequest.Result {
  return {
    fixId: 'fix-1',
    changes,
    rejected: [],
    explanation: 'It subtracted. Now it adds.',
    model: 'm',
    backend: 'local',
    timings: { contextMs: 1, modelMs: 2, totalMs: 3 },
    ...extra,
  };
}

class RecordingUi implements FixUi, EditUi {
  applied: Array<{ operations: PreparedOperation[]; preview: boolean; title: string }> = [];
  accept = true;
  messages: string[] = [];
  verdict: OutcomeVerdict = { outcome: 'resolved', resolved: 1, targets: 1 };
  async apply(operations: PreparedOperation[], opts: { preview: boolean; title: string }): Promise<boolean> {
    this.applied.push({ operations, ...opts });
    return this.accept;
  }
  appliedDirectly(message: string): void {
    this.messages.push(`direct: ${message}`);
  }
  warn(message: string): void {
    this.messages.push(`warn: ${message}`);
  }
  progress(message: string): void {
    this.messages.push(`progress: ${message}`);
  }
  async watch(): Promise<OutcomeVerdict> {
    return this.verdict;
  }
}

function deps(backend: FakeBackend, ui: RecordingUi, mode: 'simple' | 'advanced' = 'advanced') {
  let t = 0;
  return {
    backend,
    ui,
    env,
    mode: () => mode,
    monotonic: () => (t += 100),
    now: () => 1_700_000_000_000,
    log: nullLogger,
    documents: () => [],
  };
}

describe('fix flow', () => {
  it('previews the fix outside simple mode and reports the watched outcome with latency', async () => {
    const backend = new FakeBackend();
    backend.fix = fixResult([{ kind: 'modify', path: `${ROOT}/sum.ts`, baseHash: contentHash(SUM), edits: [fixEdit] }]);
    const ui = new RecordingUi();
    const r = await runFix(deps(backend, ui), { path: `${ROOT}/sum.ts`, languageId: 'typescript', text: SUM, diagnostics: [diagnostic] });
    assert.equal(r.state, 'applied');
    assert.deepEqual(
      ui.applied.map((a) => [a.preview, a.title, a.operations[0]!.label]),
      [[true, 'It subtracted.', 'Fix: It subtracted.']],
    );
    assert.deepEqual(
      backend.outcomes.map((o) => [o.id, o.kind, o.outcome, o.appliedBy, o.resolvedDiagnostics, o.latencyMs, o.model]),
      [['fix-1', 'fix', 'resolved', 'preview', 1, 100, 'm']],
    );
  });

  it('applies a single small fix directly in simple mode', async () => {
    const backend = new FakeBackend();
    backend.fix = fixResult([{ kind: 'modify', path: `${ROOT}/sum.ts`, baseHash: contentHash(SUM), edits: [fixEdit] }]);
    const ui = new RecordingUi();
    ui.verdict = { outcome: 'unresolved', resolved: 0, targets: 1 };
    await runFix(deps(backend, ui, 'simple'), { path: `${ROOT}/sum.ts`, languageId: 'typescript', text: SUM, diagnostics: [diagnostic] });
    assert.equal(ui.applied[0]!.preview, false);
    assert.deepEqual(ui.messages, ['direct: Tandem fixed it: It subtracted.']);
    assert.equal(backend.outcomes[0]!.outcome, 'unresolved');
    assert.equal(backend.outcomes[0]!.appliedBy, 'direct');
  });

  it('reports rejected when the preview is declined, and failed when nothing can be applied', async () => {
    const backend = new FakeBackend();
    backend.fix = fixResult([{ kind: 'modify', path: `${ROOT}/sum.ts`, baseHash: contentHash(SUM), edits: [fixEdit] }]);
    const ui = new RecordingUi();
    ui.accept = false;
    assert.equal(
      (await runFix(deps(backend, ui), { path: `${ROOT}/sum.ts`, languageId: 'ts', text: SUM, diagnostics: [diagnostic] })).state,
      'rejected',
    );
    // The document changed while the model was thinking: the hash no longer matches.
    backend.fix = fixResult([{ kind: 'modify', path: `${ROOT}/sum.ts`, baseHash: contentHash('older text'), edits: [fixEdit] }]);
    const r = await runFix(deps(backend, ui), { path: `${ROOT}/sum.ts`, languageId: 'ts', text: SUM, diagnostics: [diagnostic] });
    assert.equal(r.state, 'failed');
    assert.match(ui.messages.at(-1)!, /^warn: Tandem could not fix this: Refused to change sum\.ts: it was edited after Tandem read it/);
    assert.deepEqual(
      backend.outcomes.map((o) => o.outcome),
      ['rejected', 'failed'],
    );
    assert.equal(ui.applied.length, 1);
  });

  it('shortens explanations to their first sentence', () => {
    assert.equal(firstSentence('Missing import. Added it.'), 'Missing import.');
    assert.equal(firstSentence('no full stop here'), 'no full stop here');
  });
});

describe('edit-files flow', () => {
  const plan: EditPlanRequest.Result = {
    planId: 'p1',
    summary: 'Rename b',
    steps: [
      { id: 's1', action: 'create', path: `${ROOT}/c.ts`, relativePath: 'c.ts', description: 'new', dependsOn: [] },
      {
        id: 's2',
        action: 'modify',
        path: `${ROOT}/b.ts`,
        relativePath: 'b.ts',
        description: 'use c',
        dependsOn: ['s1'],
        baseHash: contentHash('b\n'),
      },
    ],
    rejected: [{ kind: 'unsafe_path', reason: 'Step "evil" was refused: outside.', stepId: 'evil', path: '../x' }],
    model: 'm',
    backend: 'local',
    timings: { contextMs: 0, modelMs: 0, totalMs: 0 },
  };

  it('plans, shows step progress, previews every change as one edit and reports applied', async () => {
    const backend = new FakeBackend();
    backend.planResult = plan;
    backend.progress = [
      { planId: 'p1', stepId: 's1', index: 0, total: 2, path: `${ROOT}/c.ts`, state: 'running' },
      { planId: 'p1', stepId: 's1', index: 0, total: 2, path: `${ROOT}/c.ts`, state: 'done' },
      { planId: 'p1', stepId: 's2', index: 1, total: 2, path: `${ROOT}/b.ts`, state: 'running' },
    ];
    backend.proposal = {
      planId: 'p1',
      changes: [
        { kind: 'create', path: `${ROOT}/c.ts`, text: 'c\n', stepId: 's1', description: 'new' },
        {
          kind: 'modify',
          path: `${ROOT}/b.ts`,
          baseHash: contentHash('b\n'),
          edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, newText: 'c' }],
          stepId: 's2',
          description: 'use c',
        },
      ],
      rejected: [],
      steps: [
        { id: 's1', state: 'done' },
        { id: 's2', state: 'done' },
      ],
      model: 'm',
      backend: 'local',
      timings: { contextMs: 0, modelMs: 0, totalMs: 0 },
    };
    const ui = new RecordingUi();
    const r = await runEditFiles(deps(backend, ui), { instruction: 'rename b', files: [] });
    assert.equal(r.state, 'applied');
    assert.deepEqual(backend.calls, ['plan rename b', 'propose p1']);
    assert.deepEqual(
      ui.applied.map((a) => [a.preview, a.title, a.operations.map((o) => `${o.kind} ${o.path} ${o.label}`)]),
      [[true, 'Rename b', [`create ${ROOT}/c.ts new`, `modify ${ROOT}/b.ts use c`]]],
    );
    assert.deepEqual(
      ui.messages.filter((m) => m.startsWith('progress')),
      [
        'progress: Planning the change…',
        'progress: Editing 2 files…',
        'progress: Writing c.ts (1/2)…',
        'progress: Editing b.ts (2/2)…',
        'progress: Review the changes in the preview…',
      ],
    );
    assert.match(ui.messages.at(-1)!, /^warn: 1 proposed change was refused: Step "evil" was refused/);
    assert.deepEqual(
      backend.outcomes.map((o) => [o.id, o.kind, o.outcome, o.files]),
      [['p1', 'edit', 'applied', 2]],
    );
  });

  it('stops with the reasons when the plan has nothing it may do', async () => {
    const backend = new FakeBackend();
    backend.planResult = { ...plan, steps: [] };
    const ui = new RecordingUi();
    const r = await runEditFiles(deps(backend, ui), { instruction: 'x', files: [] });
    assert.equal(r.state, 'failed');
    assert.deepEqual(backend.calls, ['plan x']);
    assert.equal(ui.applied.length, 0);
    assert.match(ui.messages.at(-1)!, /Tandem has no change it may make: Step "evil" was refused/);
    assert.equal(backend.outcomes[0]!.outcome, 'failed');
  });
});
