import assert from 'node:assert/strict';
import type { CodeEnclosingRequest, TestsGenerateRequest } from '../../../../protocol';
import { contentHash } from '../../../../shared/hash';
import { explainQuestion, runExplain } from '../../../../extension/commands/explain-flow';
import type { CommandOutcomeReport } from '../../../../extension/commands/outcome-reporter';
import { commandTarget, type EditorState } from '../../../../extension/commands/target';
import { runGenerateTests } from '../../../../extension/commands/tests-flow';
import type { PreparedOperation } from '../../../../extension/edit/workspace-changes';

const TEXT = ['import x from "x";', '', 'export function area(r: number): number {', '  return 3.14 * r * r;', '}', ''].join('\n');
const state: EditorState = { path: '/ws/src/area.ts', languageId: 'typescript', text: TEXT, cursor: { line: 3, character: 4 } };
const enclosing = async (): Promise<CodeEnclosingRequest.Result> => ({
  range: { start: { line: 2, character: 0 }, end: { line: 4, character: 1 } },
  kind: 'function',
  name: 'area',
  parser: 'tree-sitter:typescript',
});

describe('command targets', () => {
  it('take the selection in whole lines (an end at column 0 leaves that line out)', async () => {
    const t = await commandTarget(
      { ...state, selection: { start: { line: 2, character: 7 }, end: { line: 4, character: 0 } } },
      { enclosing },
    );
    assert.deepEqual([t.startLine, t.endLine, t.kind], [2, 3, 'selection']);
    assert.equal(t.text, 'export function area(r: number): number {\n  return 3.14 * r * r;');
  });
  it('take the enclosing function without a selection', async () => {
    const t = await commandTarget(state, { enclosing });
    assert.deepEqual([t.startLine, t.endLine, t.name], [2, 4, 'area']);
  });
});

describe('Explain', () => {
  it('asks the chat about the function at the cursor and reports the shown answer', async () => {
    const asked: Array<{ q: string; sel: unknown }> = [];
    const reports: CommandOutcomeReport[] = [];
    const outcome = await runExplain(
      {
        backend: { enclosing },
        ask: async (q, sel) => {
          asked.push({ q, sel });
          return { state: 'done', id: 'a1', model: 'chat-model', backend: 'local' };
        },
        outcomes: { report: (r) => reports.push(r) },
        monotonic: () => 0,
        newId: () => 'x',
      },
      state,
    );
    assert.equal(outcome.state, 'done');
    assert.equal(asked[0]!.q, explainQuestion('function', 'area'));
    assert.deepEqual(asked[0]!.sel, {
      path: '/ws/src/area.ts',
      languageId: 'typescript',
      startLine: 3,
      endLine: 5,
      text: TEXT.split('\n').slice(2, 5).join('\n'),
    });
    assert.deepEqual(
      reports.map((r) => [r.id, r.command, r.outcome, r.model]),
      [['a1', 'explain', 'shown', 'chat-model']],
    );
  });
  it('words the question by what was found', () => {
    assert.match(explainQuestion('selection'), /^Explain this code:/);
    assert.match(explainQuestion('block'), /^Explain this block:/);
  });
});

describe('Generate Tests', () => {
  const result = (
    changes: TestsGenerateRequest.Result['changes'],
    rejected: TestsGenerateRequest.Result['rejected'] = [],
  ): TestsGenerateRequest.Result => ({
    testsId: 't1',
    setup: {
      framework: 'mocha',
      testPath: '/ws/test/area.test.ts',
      relativeTestPath: 'test/area.test.ts',
      exists: false,
      evidence: ['package.json depends on mocha.'],
    },
    changes,
    rejected,
    explanation: '',
    model: 'edit-model',
    backend: 'local',
    timings: { contextMs: 0, modelMs: 0, totalMs: 0 },
  });
  const env = {
    folders: [{ path: '/ws', realPath: '/ws' }],
    currentText: () => undefined,
    exists: () => false,
    flavor: 'posix' as const,
    fs: { realpath: (p: string) => p, exists: (p: string) => p === '/ws' || p === '/' },
  };

  async function run(r: TestsGenerateRequest.Result, applied: boolean) {
    const reports: CommandOutcomeReport[] = [];
    const applies: Array<{ ops: PreparedOperation[]; title: string }> = [];
    const warns: string[] = [];
    const opened: string[] = [];
    const calls: TestsGenerateRequest.Params[] = [];
    const outcome = await runGenerateTests(
      {
        backend: {
          enclosing,
          generateTests: async (p) => {
            calls.push(p);
            return r;
          },
        },
        ui: {
          apply: async (ops, title) => {
            applies.push({ ops, title });
            return applied;
          },
          warn: (m) => warns.push(m),
          open: async (p) => void opened.push(p),
        },
        env,
        outcomes: { report: (x) => reports.push(x) },
        documents: () => [],
        recentFiles: () => [],
        monotonic: () => 0,
      },
      state,
    );
    return { outcome, reports, applies, warns, opened, calls };
  }

  it('previews the new test file and reports accepted when applied', async () => {
    const r = await run(result([{ kind: 'create', path: '/ws/test/area.test.ts', text: 'it()\n' }]), true);
    assert.equal(r.calls[0]!.name, 'area');
    assert.deepEqual(r.calls[0]!.range, { start: { line: 2, character: 0 }, end: { line: 4, character: 1 } });
    assert.equal(r.applies[0]!.ops[0]!.kind, 'create');
    assert.match(r.applies[0]!.title, /mocha test in a new test\/area\.test\.ts/);
    assert.deepEqual(r.opened, ['/ws/test/area.test.ts']);
    assert.deepEqual(
      r.reports.map((x) => [x.command, x.outcome]),
      [['generateTests', 'accepted']],
    );
  });

  it('reports rejected when the preview is declined, failed with the reasons when nothing is usable', async () => {
    assert.equal(
      (await run(result([{ kind: 'create', path: '/ws/test/area.test.ts', text: 'it()\n' }]), false)).outcome.outcome,
      'rejected',
    );
    const failed = await run(result([], [{ kind: 'malformed', reason: 'The answer has no code block.' }]), true);
    assert.equal(failed.outcome.outcome, 'failed');
    assert.match(failed.warns[0]!, /no code block/);
    const outside = await run(result([{ kind: 'modify', path: '/etc/passwd', baseHash: contentHash(''), edits: [] }]), true);
    assert.equal(outside.outcome.outcome, 'failed');
    assert.match(outside.warns[0]!, /outside/);
  });
});
