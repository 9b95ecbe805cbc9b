import { strict as assert } from 'node:assert';
import { indexingPercent, statusState, statusView } from '../../../../extension/ui/status-model';
import type { DaemonStatus } from '../../../../protocol';

const ready: DaemonStatus = { version: '1', pid: 1, uptimeSec: 1, ready: true, reasons: [], clients: 1, backends: [] };

describe('status bar model', () => {
  it('maps connection and daemon state to ready / indexing / backend down / disabled', () => {
    const base = { mode: 'simple' as const, enabled: true };
    assert.equal(statusState({ ...base, connection: 'connected', status: ready }), 'ready');
    assert.equal(statusState({ ...base, enabled: false, connection: 'connected', status: ready }), 'disabled');
    assert.equal(
      statusState({ ...base, connection: 'connected', status: { ...ready, ready: false, reasons: ['Ollama is not reachable'] } }),
      'backend-down',
    );
    assert.equal(statusState({ ...base, connection: 'connecting' }), 'starting');
    assert.equal(statusState({ ...base, connection: 'waiting' }), 'daemon-down');
    assert.equal(statusState({ ...base, connection: 'failed' }), 'daemon-down');
    const indexing = { ...ready, indexing: [{ root: '/w', filesDone: 25, filesTotal: 100, state: 'indexing' as const }] };
    assert.equal(statusState({ ...base, connection: 'connected', status: indexing }), 'indexing');
    assert.equal(statusView({ ...base, connection: 'connected', status: indexing }).text, '$(sync~spin) Tandem indexing 25%');
  });
  it('puts the reasons and connection error in the tooltip with emphasis', () => {
    const v = statusView({
      mode: 'simple',
      enabled: true,
      connection: 'connected',
      status: { ...ready, ready: false, reasons: ['Pull the model: ollama pull x'] },
    });
    assert.equal(v.emphasis, 'warning');
    assert.match(v.tooltip, /ollama pull x/);
    const down = statusView({ mode: 'simple', enabled: true, connection: 'failed', connectionError: 'tandemd exited' });
    assert.equal(down.emphasis, 'error');
    assert.match(down.tooltip, /tandemd exited/);
  });
  it('computes indexing progress over roots still indexing', () => {
    assert.equal(indexingPercent(ready), undefined);
    assert.equal(
      indexingPercent({
        ...ready,
        indexing: [
          { root: '/a', filesDone: 10, filesTotal: 10, state: 'ready' },
          { root: '/b', filesDone: 1, filesTotal: 4, state: 'indexing' },
        ],
      }),
      25,
    );
  });
});
