/**
 * The next-edit core with a hand-driven clock, a scripted daemon and a recording view:
 * when it asks, what it cancels, where it shows an answer, and how each suggestion
 * ends (Tab jumps then accepts, the editor accepts an inline one, Escape rejects,
 * typing or moving away ignores it).
 */
import assert from 'node:assert/strict';
import { ErrorCodes, TandemError, type NextEditReplacement, type NextEditRequest, type SuggestionEvent } from '../../../../protocol';
import { nullLogger } from '../../../../extension/log';
import { Cadence } from '../../../../extension/next-edit/cadence';
import { NextEditCore, type DocumentSnapshot, type NextEditView } from '../../../../extension/next-edit/core';
import { EditHistory } from '../../../../extension/next-edit/edit-history';
import { NextEditTracker } from '../../../../extension/next-edit/tracker';
import { FakeClock, flushAsync } from '../fake-clock';

const LINES = ['function scale(count: number, factor: number) {', '  const limited = clamp(a, 0, 100);', '  return limited * factor;', '}'];
const RENAME_USE: NextEditReplacement = { start: { line: 1, character: 24 }, end: { line: 1, character: 25 }, text: 'count' };

class RecordingView implements NextEditView {
  calls: string[] = [];
  applied: NextEditReplacement[][] = [];
  applyOk = true;
  onMove?: (to: { line: number; character: number }) => void;
  inline(path: string, id: string, item: { line: number; startCharacter: number; endCharacter: number; text: string }) {
    this.calls.push(`inline ${item.line}:${item.startCharacter}-${item.endCharacter} ${JSON.stringify(item.text)}`);
  }
  preview(_path: string, edits: readonly NextEditReplacement[]) {
    this.calls.push(`preview ${edits.length}`);
  }
  jump(_path: string, line: number, hint: string) {
    this.calls.push(`jump ${line} ${hint}`);
  }
  hide() {
    this.calls.push('hide');
  }
  moveCursor(_path: string, to: { line: number; character: number }) {
    this.calls.push(`move ${to.line}:${to.character}`);
    this.onMove?.(to);
  }
  async apply(_path: string, _version: number, edits: readonly NextEditReplacement[]) {
    this.applied.push([...edits]);
    return this.applyOk;
  }
}

function setup() {
  const clock = new FakeClock();
  const view = new RecordingView();
  const events: SuggestionEvent[] = [];
  const requests: Array<{
    params: NextEditRequest.Params;
    signal: AbortSignal;
    resolve(r: NextEditRequest.Result): void;
    reject(e: unknown): void;
  }> = [];
  const doc = { path: '/ws/scale.ts', version: 3, cursor: { line: 0, character: 20 }, completionVisible: false };
  const cadence = new Cadence();
  const history = new EditHistory();
  const errors: unknown[] = [];
  const snapshot = (): DocumentSnapshot => ({
    path: doc.path,
    languageId: 'typescript',
    version: doc.version,
    lineCount: LINES.length,
    cursor: doc.cursor,
    text: LINES.join('\n'),
    startLine: 0,
    visible: [{ startLine: 0, endLine: 3 }],
    diagnostics: [],
    lineText: (l) => LINES[l] ?? '',
  });
  const tracker = new NextEditTracker({ clock, now: () => 1, emit: (e) => events.push(e), onOutcome: (o) => cadence.record(o) });
  const core = new NextEditCore({
    clock,
    now: () => 1_000,
    backend: {
      suggest: (params, signal) => new Promise((resolve, reject) => requests.push({ params, signal, resolve, reject })),
    },
    history,
    cadence,
    tracker,
    view,
    log: nullLogger,
    snapshot,
    completionVisible: () => doc.completionVisible,
    enabled: () => true,
    recentFiles: () => [],
    includePrompt: () => false,
    onError: (e) => errors.push(e),
  });
  view.onMove = (to) => core.cursorMoved(doc.path, to);
  return { clock, view, events, requests, doc, core, errors };
}

function answer(edits: NextEditReplacement[], over: Partial<NextEditRequest.Result> = {}): NextEditRequest.Result {
  return {
    suggestionId: 's1',
    outcome: 'suggested',
    edits,
    region: { startLine: 0, endLine: 4 },
    model: 'sweep',
    backend: 'local',
    format: 'sweep',
    version: 3,
    promptTokens: 100,
    timings: { contextMs: 1, firstTokenMs: 100, totalMs: 200, parseMs: 0.2 },
    ...over,
  };
}

const kinds = (events: SuggestionEvent[]) => events.map((e) => (e.kind === 'dismissed' ? `dismissed:${e.reason}` : e.kind));

describe('next-edit core', () => {
  it('asks after an edit and the pause, not before; a new edit restarts the pause and cancels the request in flight', async () => {
    const { clock, requests, core, doc } = setup();
    core.documentChanged(doc.path, undefined);
    await clock.advance(349);
    assert.equal(requests.length, 0);
    await clock.advance(1);
    assert.equal(requests.length, 1);
    const first = requests[0];
    assert.equal(first.params.document.path, '/ws/scale.ts');
    assert.equal(first.params.document.version, 3);
    assert.equal(first.params.strictness, 'normal');
    core.documentChanged(doc.path, undefined);
    assert.equal(first.signal.aborted, true, 'cancelled like a completion');
    await clock.advance(350);
    assert.equal(requests.length, 2);
  });

  it('waits while an inline completion is visible and asks once it goes away', async () => {
    const { clock, requests, core, doc } = setup();
    doc.completionVisible = true;
    core.documentChanged(doc.path, undefined);
    await clock.advance(1_000);
    assert.equal(requests.length, 0);
    doc.completionVisible = false;
    core.completionHidden();
    await clock.advance(350);
    assert.equal(requests.length, 1);
  });

  it('marks an edit elsewhere, Tab jumps there and previews it, Tab accepts it', async () => {
    const { clock, view, events, requests, core, doc } = setup();
    core.documentChanged(doc.path, undefined);
    await clock.advance(350);
    requests[0].resolve(answer([RENAME_USE]));
    await flushAsync();
    assert.deepEqual(view.calls, ['jump 1 a → count']);
    assert.equal(core.current?.placement, 'jump');
    assert.equal(await core.tab(), true);
    assert.deepEqual(view.calls.slice(1), ['move 1:24', 'preview 1'], 'the jump is not a move away');
    assert.equal(await core.tab(), true);
    assert.deepEqual(view.applied, [[RENAME_USE]]);
    assert.deepEqual(kinds(events), ['shown', 'accepted']);
    assert.equal(events[0].suggestionKind, 'nextEdit');
    assert.equal(core.current, undefined);
    assert.equal(await core.tab(), false, 'Tab is Tab again');
  });

  it('Escape rejects; typing or moving the cursor away ignores', async () => {
    for (const [end, expected] of [
      [(c: NextEditCore) => c.reject(), 'dismissed:escaped'],
      [(c: NextEditCore, path: string) => c.documentChanged(path, undefined), 'dismissed:typed_over'],
      [(c: NextEditCore, path: string) => c.cursorMoved(path, { line: 2, character: 0 }), 'dismissed:cursor_moved'],
      [(c: NextEditCore) => c.completionShown(), 'dismissed:replaced'],
    ] as const) {
      const { clock, view, events, requests, core, doc } = setup();
      core.documentChanged(doc.path, undefined);
      await clock.advance(350);
      requests[0].resolve(answer([RENAME_USE]));
      await flushAsync();
      end(core, doc.path);
      assert.deepEqual(kinds(events), ['shown', expected]);
      assert.equal(view.calls.at(-1), 'hide');
    }
  });

  it('an inline edit preview taking the document ends the suggestion there and cancels the request in flight', async () => {
    const { clock, view, events, requests, core, doc } = setup();
    core.documentChanged(doc.path, undefined);
    await clock.advance(350);
    requests[0].resolve(answer([RENAME_USE]));
    await flushAsync();
    core.editPreviewStarted(doc.path);
    assert.deepEqual(kinds(events), ['shown', 'dismissed:replaced']);
    assert.equal(view.calls.at(-1), 'hide');
    core.documentChanged(doc.path, undefined);
    await clock.advance(100);
    core.editPreviewStarted(doc.path);
    await clock.advance(1_000);
    assert.equal(requests.length, 1, 'the pending ask was cancelled with the preview');
    core.editPreviewStarted('/ws/other.ts');
    core.documentChanged(doc.path, undefined);
    await clock.advance(350);
    assert.equal(requests.length, 2, 'a preview in another document leaves this one alone');
  });

  it('shows an insertion at the cursor inline; the editor accepting it or typing it through is followed', async () => {
    const { clock, view, events, requests, core, doc } = setup();
    doc.cursor = { line: 0, character: 29 };
    core.documentChanged(doc.path, undefined);
    await clock.advance(350);
    const insertion = { start: { line: 0, character: 29 }, end: { line: 0, character: 29 }, text: ' = 1' };
    requests[0].resolve(answer([insertion]));
    await flushAsync();
    assert.deepEqual(view.calls, ['inline 0:29-29 " = 1"']);
    assert.equal(core.inlineAt(doc.path, { line: 0, character: 29 })?.text, ' = 1');
    assert.equal(core.inlineAt(doc.path, { line: 0, character: 28 }), undefined);
    core.documentChanged(doc.path, { line: 0, character: 29, removed: 0, text: ' ' });
    assert.deepEqual(view.calls.at(-1), 'inline 0:30-30 "= 1"', 'typed through');
    core.documentChanged(doc.path, { line: 0, character: 30, removed: 0, text: '= 1' });
    assert.deepEqual(kinds(events), ['shown', 'accepted']);
  });

  it('does not show an answer for a document that changed meanwhile, or a refusal', async () => {
    const { clock, view, requests, core, doc } = setup();
    core.documentChanged(doc.path, undefined);
    await clock.advance(350);
    doc.version = 4;
    requests[0].resolve(answer([RENAME_USE]));
    await flushAsync();
    core.documentChanged(doc.path, undefined);
    await clock.advance(350);
    requests[1].resolve(answer([], { outcome: 'none', reason: 'undo', version: 4 }));
    await flushAsync();
    assert.deepEqual(view.calls, []);
  });

  it('pauses after a failure, for long when the model is missing, and reports it', async () => {
    const { clock, requests, core, doc, errors } = setup();
    core.documentChanged(doc.path, undefined);
    await clock.advance(350);
    requests[0].reject(new TandemError(ErrorCodes.ModelNotFound, 'model "x" not found'));
    await flushAsync();
    assert.equal(errors.length, 1);
    core.documentChanged(doc.path, undefined);
    await clock.advance(5 * 60_000);
    assert.equal(requests.length, 1, 'no request while paused');
    await clock.advance(6 * 60_000);
    core.documentChanged(doc.path, undefined);
    await clock.advance(350);
    assert.equal(requests.length, 2);
  });

  it('asks with the strict region and a longer pause when few suggestions are accepted', async () => {
    const { clock, requests, core, doc } = setup();
    for (let i = 0; i < 8; i++) {
      core.documentChanged(doc.path, undefined);
      await clock.advance(2_000);
      requests.at(-1)!.resolve(answer([RENAME_USE], { suggestionId: `s${i}` }));
      await flushAsync();
      core.reject();
    }
    const before = requests.length;
    core.documentChanged(doc.path, undefined);
    await clock.advance(1_000);
    assert.equal(requests.length, before, 'the pause is longer now');
    await clock.advance(1_000);
    assert.equal(requests.length, before + 1);
    assert.equal(requests.at(-1)!.params.strictness, 'strict');
  });
});
