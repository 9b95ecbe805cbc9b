import { strict as assert } from 'node:assert';
import { commandMinMode, modeIncludes, surfaceFor, whenForMinMode } from '../../../../extension/ui/ui-mode';
import { statusView } from '../../../../extension/ui/status-model';
import { statusTree } from '../../../../extension/ui/status-tree';
import type { DaemonStatus } from '../../../../protocol';

const status: DaemonStatus = {
  version: '0.1.0',
  pid: 1,
  uptimeSec: 5,
  ready: true,
  reasons: [],
  clients: 1,
  backends: [
    {
      name: 'local',
      url: 'http://127.0.0.1:11434',
      kind: 'ollama',
      priority: 10,
      health: 'up',
      circuit: 'closed',
      consecutiveFailures: 0,
      latencyMs: 42,
    },
  ],
};

describe('UI modes: mode → visible surface', () => {
  it('simple shows only the basics: no pickers, no inspector, no stats, no expert views', () => {
    const s = surfaceFor('simple');
    assert.deepEqual(s.commands, [
      'tandem.showMenu',
      'tandem.switchUiMode',
      'tandem.toggleEnable',
      'tandem.showLogs',
      'tandem.runDoctor',
      'tandem.restartDaemon',
      'tandem.inlineEdit.start',
      'tandem.explain',
      'tandem.tests.generate',
      'tandem.commitMessage.generate',
      'tandem.agent.start',
      'tandem.agent.undo',
      'tandem.memory.add',
      'tandem.memory.show',
    ]);
    assert.deepEqual(s.views, []);
    assert.deepEqual(s.statusBar, { modeLabel: false, model: false, backend: false, latency: false });
    assert.equal(s.logTimings, false);
  });
  it('advanced adds pickers, the inspector, stats and the view', () => {
    const s = surfaceFor('advanced');
    for (const c of ['tandem.selectModel', 'tandem.selectBackend', 'tandem.whyThisSuggestion', 'tandem.showStats'] as const)
      assert.ok(s.commands.includes(c), c);
    for (const c of ['tandem.showRawPrompt', 'tandem.showBackendHealth', 'tandem.showRequestTimings'] as const)
      assert.ok(!s.commands.includes(c), c);
    assert.deepEqual(s.views, ['tandem.statusView']);
    assert.deepEqual(s.statusBar, { modeLabel: true, model: true, backend: false, latency: false });
  });
  it('expert adds raw prompt, backend health and timings, and logs per-request timings', () => {
    const s = surfaceFor('expert');
    for (const c of ['tandem.showRawPrompt', 'tandem.showBackendHealth', 'tandem.showRequestTimings', 'tandem.selectModel'] as const)
      assert.ok(s.commands.includes(c), c);
    assert.equal(s.logTimings, true);
    assert.deepEqual(s.statusBar, { modeLabel: true, model: true, backend: true, latency: true });
  });
  it('each mode is a strict superset of the previous one', () => {
    const [a, b, c] = (['simple', 'advanced', 'expert'] as const).map((m) => surfaceFor(m).commands);
    assert.ok(a.every((x) => b.includes(x)) && b.length > a.length);
    assert.ok(b.every((x) => c.includes(x)) && c.length > b.length);
  });
  it('menu is the mode’s commands without the menu itself', () => {
    assert.ok(!surfaceFor('expert').menu.includes('tandem.showMenu'));
    assert.equal(surfaceFor('expert').menu.length, surfaceFor('expert').commands.length - 1);
  });
  it('when clauses express the minimum mode', () => {
    assert.equal(whenForMinMode('simple'), undefined);
    assert.equal(whenForMinMode('advanced'), 'tandem.uiMode == advanced || tandem.uiMode == expert');
    assert.equal(whenForMinMode('expert'), 'tandem.uiMode == expert');
    assert.equal(modeIncludes('advanced', commandMinMode['tandem.showRawPrompt']), false);
  });
  it('the status bar text differs per mode', () => {
    const inputs = {
      enabled: true,
      connection: 'connected' as const,
      status,
      model: 'qwen2.5-coder:1.5b-base',
      last: { backend: 'local', model: 'qwen2.5-coder:1.5b-base', totalMs: 123.4 },
    };
    const texts = (['simple', 'advanced', 'expert'] as const).map((mode) => statusView({ ...inputs, mode }).text);
    assert.deepEqual(texts, [
      '$(sparkle) Tandem',
      '$(sparkle) Tandem [Advanced] qwen2.5-coder:1.5b-base',
      '$(sparkle) Tandem [Expert] qwen2.5-coder:1.5b-base @local 123 ms',
    ]);
    assert.match(statusView({ ...inputs, mode: 'expert' }).tooltip, /local \(http:\/\/127\.0\.0\.1:11434\): up, circuit closed, 42 ms/);
    assert.doesNotMatch(statusView({ ...inputs, mode: 'simple' }).tooltip, /circuit/);
  });
  it('the Tandem view is empty in simple mode and shows timings only in expert', () => {
    const last = {
      at: 0,
      path: '/a.ts',
      languageId: 'ts',
      source: 'network' as const,
      completionId: 'c',
      model: 'm',
      backend: 'local',
      debounceMs: 50,
      contextMs: 4,
      firstTokenMs: 40,
      totalMs: 90,
      overheadMs: 2.5,
      chars: 3,
      multiline: false,
    };
    assert.deepEqual(statusTree({ mode: 'simple', connected: true, status, last }), []);
    const adv = statusTree({ mode: 'advanced', connected: true, status, last });
    const exp = statusTree({ mode: 'expert', connected: true, status, last });
    assert.equal(adv.find((n) => n.label === 'Last suggestion')?.children, undefined);
    assert.ok(exp.find((n) => n.label === 'Last suggestion')?.children?.some((c) => c.label === 'extension overhead'));
    assert.match(exp.find((n) => n.label === 'Backends')?.children?.[0].description ?? '', /circuit closed/);
    assert.doesNotMatch(adv.find((n) => n.label === 'Backends')?.children?.[0].description ?? '', /circuit/);
  });
});
