import { strict as assert } from 'node:assert';
import { InspectorController, type InspectorMessenger } from '../../../../extension/inspector/inspector-controller';
import type { ContextDiagnostics } from '../../../../protocol/messages/context';
import type { HostToInspector, InspectedSuggestion } from '../../../../webview-ui/inspector-protocol';
import { flushAsync } from '../fake-clock';

class FakeMessenger implements InspectorMessenger {
  readonly posted: HostToInspector[] = [];
  private listener: ((m: unknown) => void) | undefined;
  post(message: HostToInspector): void {
    this.posted.push(message);
  }
  onMessage(listener: (m: unknown) => void) {
    this.listener = listener;
    return { dispose: () => (this.listener = undefined) };
  }
  send(m: unknown): void {
    this.listener?.(m);
  }
}

const suggestion: InspectedSuggestion = {
  completionId: 'c1',
  model: 'm',
  backend: 'local',
  languageId: 'ts',
  path: '/w/a.ts',
  text: 'x',
  source: 'network',
  timings: { contextMs: 3, firstTokenMs: 30, totalMs: 60 },
  overheadMs: 1,
};

const diagnostics = { completionId: 'c1', kind: 'completion', file: 'a.ts', candidates: [] } as unknown as ContextDiagnostics;

describe('InspectorController', () => {
  it('answers ready with the last suggestion and its diagnostics', async () => {
    const m = new FakeMessenger();
    const asked: string[] = [];
    new InspectorController(m, {
      lastSuggestion: () => suggestion,
      diagnostics: async (id) => {
        asked.push(id);
        return diagnostics;
      },
      expert: () => true,
      openFile: () => {},
    });
    m.send({ type: 'ready' });
    await flushAsync();
    assert.deepEqual(asked, ['c1']);
    assert.deepEqual(m.posted, [{ type: 'state', state: { expert: true, suggestion, diagnostics } }]);
  });

  it('explains missing diagnostics and missing suggestions instead of failing', async () => {
    const m = new FakeMessenger();
    const holder: { last?: InspectedSuggestion } = {};
    const c = new InspectorController(m, {
      lastSuggestion: () => holder.last,
      diagnostics: async () => Promise.reject(new Error('Unknown completion id')),
      expert: () => false,
      openFile: () => {},
    });
    assert.match((await c.state()).error ?? '', /No suggestion yet/);
    holder.last = suggestion;
    const s = await c.state();
    assert.equal(s.suggestion, suggestion);
    assert.match(s.error ?? '', /Unknown completion id/);
  });

  it('opens files on request and ignores malformed messages', async () => {
    const m = new FakeMessenger();
    const opened: unknown[] = [];
    new InspectorController(m, {
      lastSuggestion: () => undefined,
      diagnostics: async () => diagnostics,
      expert: () => false,
      openFile: (...a) => opened.push(a),
    });
    m.send({ type: 'openFile', root: '/w', file: 'src/b.ts', line: 12 });
    m.send({ type: 'openFile', file: 42 });
    m.send('garbage');
    await flushAsync();
    assert.deepEqual(opened, [['/w', 'src/b.ts', 12]]);
    assert.equal(m.posted.length, 0);
  });
});
