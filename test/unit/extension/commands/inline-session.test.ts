import assert from 'node:assert/strict';
import type { InlineEditProposeRequest } from '../../../../protocol';
import type { CommandsBackend } from '../../../../extension/commands/commands-backend';
import type { DisplayLine } from '../../../../extension/commands/inline-diff';
import { InlineEditSession, type InlinePhase, type InlinePreviewPort } from '../../../../extension/commands/inline-session';
import type { CommandOutcomeReport } from '../../../../extension/commands/outcome-reporter';

const TEXT = ['function f() {', '  let s = 0;', '  return s;', '}', ''].join('\n');

class FakePort implements InlinePreviewPort {
  shown: DisplayLine[][] = [];
  phases: InlinePhase[] = [];
  finished: Array<string[] | undefined> = [];
  warnings: string[] = [];
  show(display: DisplayLine[]): void {
    this.shown.push(display);
  }
  async finish(lines: string[] | undefined): Promise<void> {
    this.finished.push(lines);
  }
  phase(p: InlinePhase): void {
    this.phases.push(p);
  }
  warn(m: string): void {
    this.warnings.push(m);
  }
}

type Answer = { deltas: string[]; result: Partial<InlineEditProposeRequest.Result> } | Error;

function backend(answers: Answer[], calls: InlineEditProposeRequest.Params[] = []): CommandsBackend {
  return {
    enclosing: async () => {
      throw new Error('not used');
    },
    proposeInlineEdit: async (params, onDelta, signal) => {
      calls.push(params as InlineEditProposeRequest.Params);
      const a = answers.shift()!;
      if (a instanceof Error) throw a;
      for (const d of a.deltas) onDelta(d);
      if (signal?.aborted) throw Object.assign(new Error('cancelled'), { code: -32800 });
      return {
        editId: 'e1',
        range: params.range,
        baseHash: 'h',
        rejected: [],
        explanation: '',
        model: 'm',
        backend: 'b',
        timings: { contextMs: 0, modelMs: 0, totalMs: 0 },
        ...a.result,
      };
    },
    commitMessage: async () => {
      throw new Error('not used');
    },
    generateTests: async () => {
      throw new Error('not used');
    },
    reportOutcome: async () => undefined,
  };
}

function session(answers: Answer[], calls: InlineEditProposeRequest.Params[] = []) {
  const port = new FakePort();
  const reports: CommandOutcomeReport[] = [];
  let t = 0;
  const s = new InlineEditSession(
    { backend: backend(answers, calls), port, outcomes: { report: (r) => reports.push(r) }, monotonic: () => (t += 100) },
    { path: '/ws/f.ts', languageId: 'typescript', text: TEXT, startLine: 0, endLine: 3 },
  );
  return { s, port, reports };
}

const PROPOSAL = 'function f() {\n  return 0;\n}';

describe('an inline edit session', () => {
  it('streams the proposal as an inline diff, then Accept applies it and reports accepted once', async () => {
    const { s, port, reports } = session([{ deltas: ['function f() {\n', '  return 0;\n', '}\n'], result: { proposal: PROPOSAL } }]);
    await s.ask('return zero');
    assert.deepEqual(port.phases, ['streaming', 'ready']);
    assert.ok(port.shown.length >= 3, 'a display per streamed line and the final one');
    assert.deepEqual(
      port.shown[0]!.map((l) => l.kind),
      ['same', 'pending', 'pending', 'pending'],
    );
    assert.deepEqual(
      port.shown.at(-1)!.map((l) => l.kind),
      ['same', 'removed', 'removed', 'added', 'same'],
    );
    await s.accept();
    assert.deepEqual(port.finished, [['function f() {', '  return 0;', '}']]);
    assert.equal(reports.length, 1);
    assert.deepEqual(
      { ...reports[0], latencyMs: undefined },
      {
        id: 'e1',
        command: 'inlineEdit',
        outcome: 'accepted',
        model: 'm',
        backend: 'b',
        languageId: 'typescript',
        rounds: 1,
        latencyMs: undefined,
      },
    );
    await s.reject();
    assert.equal(reports.length, 1, 'nothing after the end');
  });

  it('Reject restores the region and reports rejected; a follow-up sends the earlier round', async () => {
    const calls: InlineEditProposeRequest.Params[] = [];
    const { s, port, reports } = session(
      [
        { deltas: [], result: { proposal: PROPOSAL } },
        { deltas: [], result: { proposal: 'function f() {\n  return 1;\n}' } },
      ],
      calls,
    );
    await s.ask('return zero');
    await s.ask('make it one');
    assert.deepEqual(calls[1]!.history, [{ instruction: 'return zero', proposal: PROPOSAL }]);
    assert.equal(calls[1]!.instruction, 'make it one');
    assert.deepEqual(s.proposal, ['function f() {', '  return 1;', '}']);
    await s.reject();
    assert.deepEqual(port.finished, [undefined]);
    assert.equal(reports[0]!.outcome, 'rejected');
    assert.equal(reports[0]!.rounds, 2);
  });

  it('Retry asks the last instruction again from the same start', async () => {
    const calls: InlineEditProposeRequest.Params[] = [];
    const { s } = session(
      [
        { deltas: [], result: { proposal: PROPOSAL } },
        { deltas: [], result: { proposal: 'function f() {\n  return 2;\n}' } },
      ],
      calls,
    );
    await s.ask('return zero');
    await s.retry();
    assert.equal(calls[1]!.instruction, 'return zero');
    assert.deepEqual(calls[1]!.history, []);
    assert.deepEqual(s.proposal, ['function f() {', '  return 2;', '}']);
  });

  it('a refused first answer says why, restores the region and reports failed', async () => {
    const { s, port, reports } = session([
      {
        deltas: [],
        result: { rejected: [{ kind: 'outside_region', reason: 'The answer also changes line 9, outside lines 1-4 of f.ts.' }] },
      },
    ]);
    await s.ask('x');
    assert.match(port.warnings[0]!, /outside lines 1-4/);
    assert.deepEqual(port.finished, [undefined]);
    assert.equal(s.phase, 'done');
    assert.equal(reports[0]!.outcome, 'failed');
  });

  it('a refused follow-up keeps the last proposal', async () => {
    const { s, port, reports } = session([
      { deltas: [], result: { proposal: PROPOSAL } },
      { deltas: [], result: { rejected: [{ kind: 'malformed', reason: 'No code block.' }] } },
    ]);
    await s.ask('a');
    await s.ask('b');
    assert.equal(s.phase, 'ready');
    assert.deepEqual(s.proposal, ['function f() {', '  return 0;', '}']);
    assert.deepEqual(
      port.shown.at(-1)!.map((l) => l.kind),
      ['same', 'removed', 'removed', 'added', 'same'],
    );
    assert.equal(reports.length, 0);
  });

  it('Reject while the first answer streams cancels the request and reports cancelled', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const port = new FakePort();
    const reports: CommandOutcomeReport[] = [];
    let aborted = false;
    const b = backend([]);
    b.proposeInlineEdit = async (_p, onDelta, signal) => {
      onDelta('function f() {\n');
      signal?.addEventListener('abort', () => (aborted = true));
      await gate;
      throw Object.assign(new Error('cancelled'), { code: -32800 });
    };
    const s = new InlineEditSession(
      { backend: b, port, outcomes: { report: (r) => reports.push(r) }, monotonic: () => 0 },
      { path: '/ws/f.ts', languageId: 'typescript', text: TEXT, startLine: 0, endLine: 3 },
    );
    const asked = s.ask('x');
    await s.reject();
    release();
    await asked;
    assert.ok(aborted);
    assert.deepEqual(port.finished, [undefined]);
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.outcome, 'cancelled');
  });
});
