import assert from 'node:assert/strict';
import type { BackendStatus } from '../../../../protocol';
import { daemonStatus, publicReadiness, type StatusInputs } from '../../../../daemon/host/status';

const MODEL = 'qwen2.5-coder:1.5b-base';

function backend(extra: Partial<BackendStatus>): BackendStatus {
  return {
    name: 'dgx',
    url: 'https://dgx.lan:8443',
    kind: 'ollama',
    priority: 0,
    health: 'down',
    circuit: 'open',
    consecutiveFailures: 3,
    latencyMs: null,
    lastError: 'backend dgx (https://dgx.lan:8443) answered HTTP 401: bad key sk-live-1234',
    ...extra,
  };
}

function inputs(
  backends: BackendStatus[],
  semantic = { active: false, reason: 'LanceDB failed under /home/ann/.tandem/index/ab12' },
): StatusInputs {
  return {
    startedAt: Date.now(),
    clients: 1,
    storageOpen: true,
    completionModel: MODEL,
    router: { status: () => backends },
    context: {
      semanticStatus: () => semantic,
      progress: () => [{ root: '/home/ann/work/secret-project', filesDone: 1, filesTotal: 1, state: 'ready' }],
    },
    redact: (text) => text.replace('sk-live-1234', '[redacted]'),
  };
}

describe('daemon status and readiness', () => {
  it('token holders get URLs, redacted errors and roots; the degraded reason does not block readiness', () => {
    const s = daemonStatus(
      inputs([
        backend({}),
        backend({ name: 'local', url: 'http://127.0.0.1:11434', health: 'up', circuit: 'closed', lastError: undefined, models: [MODEL] }),
      ]),
    );
    assert.equal(s.ready, true);
    assert.deepEqual(s.reasons, ['Retrieval is BM25-only: LanceDB failed under /home/ann/.tandem/index/ab12.']);
    assert.equal(s.backends[0].lastError, 'backend dgx (https://dgx.lan:8443) answered HTTP 401: bad key [redacted]');
    assert.equal(s.indexing?.[0].root, '/home/ann/work/secret-project');
  });

  it('without the token: the same verdict, reasons naming backends, no URL, error text or path', () => {
    const down = inputs([
      backend({}),
      backend({ name: 'local', url: 'http://127.0.0.1:11434', health: 'unknown', circuit: 'closed', lastError: undefined }),
    ]);
    const detailed = daemonStatus(down);
    const anonymous = publicReadiness(down);
    assert.equal(anonymous.ready, false);
    assert.equal(detailed.ready, false);
    assert.deepEqual(anonymous.reasons, ['Backend dgx is down.', 'Backend local has not been reached yet.', 'Retrieval is BM25-only.']);
    assert.match(detailed.reasons[0], /dgx\.lan:8443.*\[redacted\]/);
    const missing = publicReadiness(
      inputs([backend({ health: 'up', circuit: 'closed', models: ['other:7b'] })], { active: true, reason: '' }),
    );
    assert.deepEqual(missing.reasons, [`Backend dgx does not have the completion model ${MODEL}; run \`ollama pull ${MODEL}\` there.`]);
  });
});
