/**
 * get_diagnostics from the editor: only files inside the workspace, the ones asked for
 * (clean ones answered as clean), bounded per file.
 */
import assert from 'node:assert/strict';
import { PER_FILE_MAX, confineDiagnostics } from '../../../../extension/agent/diagnostics';
import type { FixDiagnostic } from '../../../../protocol';

const d = (message: string): FixDiagnostic => ({
  message,
  severity: 'error',
  range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
});
const inside = (p: string) => p.startsWith('/w/') && !p.includes('/.git/');

describe('agent diagnostics', () => {
  it('answers every workspace file with problems, nothing outside', () => {
    const r = confineDiagnostics(
      [
        { path: '/w/a.ts', diagnostics: [d('a')] },
        { path: '/w/clean.ts', diagnostics: [] },
        { path: '/etc/passwd', diagnostics: [d('outside')] },
        { path: '/w/.git/config', diagnostics: [d('git')] },
      ],
      inside,
    );
    assert.deepEqual(
      r.files.map((f) => f.path),
      ['/w/a.ts'],
    );
  });

  it('answers the files asked for, clean ones with no problems, and caps each', () => {
    const many = Array.from({ length: PER_FILE_MAX + 5 }, (_, i) => d(String(i)));
    const r = confineDiagnostics([{ path: '/w/a.ts', diagnostics: many }], inside, ['/w/a.ts', '/w/b.ts', '/tmp/x.ts']);
    assert.deepEqual(
      r.files.map((f) => [f.path, f.diagnostics.length]),
      [
        ['/w/a.ts', PER_FILE_MAX],
        ['/w/b.ts', 0],
      ],
    );
  });
});
