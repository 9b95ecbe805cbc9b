import { strict as assert } from 'node:assert';
import { backendHealthReport, rawRequestReport, timingsReport } from '../../../../extension/reports/reports';

describe('reports', () => {
  it('raw prompt shows what was sent, fenced safely, and the raw output', () => {
    const md = rawRequestReport({
      at: 0,
      params: {
        document: { path: '/a.ts', languageId: 'ts', prefix: 'const s = `', suffix: '```', line: 0, character: 11 },
        recentFiles: [{ path: '/b.ts', open: true }],
        multiline: false,
      },
      result: {
        completionId: 'c1',
        text: 'x`',
        model: 'm',
        backend: 'local',
        finishReason: 'stop',
        timings: { contextMs: 1, firstTokenMs: 2, totalMs: 3 },
      },
    });
    assert.match(md, /````\nconst s = `\n````/);
    assert.match(md, /- \/b\.ts \(open\)/);
    assert.match(md, /completionId `c1`/);
    assert.match(rawRequestReport(undefined), /No completion request yet/);
  });
  it('backend health lists backends by priority with circuit state', () => {
    const md = backendHealthReport(
      {
        version: '1',
        pid: 2,
        uptimeSec: 3,
        ready: true,
        reasons: [],
        clients: 1,
        backends: [
          {
            name: 'local',
            url: 'http://l',
            kind: 'ollama',
            priority: 10,
            health: 'up',
            circuit: 'closed',
            consecutiveFailures: 0,
            latencyMs: 20,
          },
          {
            name: 'remote',
            url: 'http://r',
            kind: 'ollama',
            priority: 0,
            health: 'down',
            circuit: 'open',
            consecutiveFailures: 3,
            latencyMs: null,
            lastError: 'ECONNREFUSED',
          },
        ],
      },
      { backends: [], models: { complete: 'qwen' } },
    );
    assert.ok(md.indexOf('| remote |') < md.indexOf('| local |'));
    assert.match(md, /\| remote \| http:\/\/r \| 0 \| down \| open \| 3 \| — \| — \| ECONNREFUSED \|/);
    assert.match(md, /- complete: `qwen`/);
    assert.match(backendHealthReport(undefined, undefined), /Not connected/);
  });
  it('timings list the newest first with overhead', () => {
    const md = timingsReport([
      {
        at: 0,
        path: '/x/a.ts',
        languageId: 'ts',
        source: 'cache',
        completionId: 'c',
        model: 'm',
        backend: 'b',
        debounceMs: 0,
        contextMs: 0,
        firstTokenMs: 10,
        totalMs: 20,
        overheadMs: 0.42,
        chars: 5,
        multiline: false,
      },
    ]);
    assert.match(md, /\| a\.ts \| cache \| m @ b \| 0 \| 0 \| 10 \| 20 \| 0\.4 \| 5 \|/);
  });
});
