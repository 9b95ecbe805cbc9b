/**
 * One-click fixes read from the doctor's real findings (`diagnose` from
 * daemon/router/doctor.ts), the plain-http warning for URL settings, and the pull
 * progress shown in the notification.
 */
import assert from 'node:assert/strict';
import { defaultConfigFile } from '../../../../daemon/config';
import { diagnose, type DoctorBackendInput, type DoctorInput } from '../../../../daemon/router/doctor';
import { doctorFixes, fixesMarkdown } from '../../../../extension/ops/doctor-fixes';
import { formatBytes, PullProgressTracker } from '../../../../extension/ops/pull-progress';
import { insecureUrlWarning } from '../../../../extension/ops/url-safety';

const tasks = defaultConfigFile().tasks as DoctorInput['tasks'];

function backend(over: Partial<DoctorBackendInput> & Pick<DoctorBackendInput, 'name' | 'url'>): DoctorBackendInput {
  return { kind: 'ollama', enabled: true, reachable: true, version: '0.12.6', models: [], traits: {}, usedAgoMs: {}, ...over };
}

describe('ops: doctor one-click fixes', () => {
  it('offers to pull each missing model on its backend, once', () => {
    const report = diagnose({
      tasks,
      backends: [backend({ name: 'local', url: 'http://127.0.0.1:11434', models: [{ name: 'nomic-embed-text:latest' }] })],
    });
    const fixes = doctorFixes(report);
    assert.deepEqual(fixes, [
      { kind: 'pull', model: 'qwen2.5-coder:1.5b-base', backend: 'local', label: 'Pull qwen2.5-coder:1.5b-base on local' },
      { kind: 'pull', model: 'qwen2.5-coder:7b-instruct', backend: 'local', label: 'Pull qwen2.5-coder:7b-instruct on local' },
      {
        kind: 'pull',
        model: 'hf.co/sweepai/sweep-next-edit-1.5B',
        backend: 'local',
        label: 'Pull hf.co/sweepai/sweep-next-edit-1.5B on local',
      },
    ]);
    assert.match(fixesMarkdown(fixes), /## One-click fixes[\s\S]*- Pull qwen2\.5-coder:1\.5b-base on local/);
  });

  it('opens the URL setting of an unreachable or plain-http remote backend, and the token on 401', () => {
    const all = [
      { name: 'qwen2.5-coder:1.5b-base' },
      { name: 'qwen2.5-coder:7b-instruct' },
      { name: 'nomic-embed-text:latest' },
      { name: 'hf.co/sweepai/sweep-next-edit-1.5B:latest' },
    ];
    const report = diagnose({
      tasks,
      backends: [
        backend({ name: 'remote', url: 'http://dgx.lab.internal:11434', reachable: false, error: { message: 'connection refused' } }),
        backend({ name: 'local', url: 'http://127.0.0.1:11434', models: all }),
      ],
    });
    assert.deepEqual(doctorFixes(report), [{ kind: 'openSetting', setting: 'tandem.remoteUrl', label: 'Open setting tandem.remoteUrl' }]);

    const refused = diagnose({
      tasks,
      backends: [
        backend({ name: 'remote', url: 'https://dgx.example', reachable: false, error: { message: 'HTTP 401', httpStatus: 401 } }),
        backend({ name: 'local', url: 'http://127.0.0.1:11434', models: all }),
      ],
    });
    assert.deepEqual(doctorFixes(refused), [{ kind: 'setToken', label: 'Set the remote token' }]);
  });

  it('offers nothing when everything is fine, and nothing for backends only config.json knows', () => {
    const all = [
      { name: 'qwen2.5-coder:1.5b-base' },
      { name: 'qwen2.5-coder:7b-instruct' },
      { name: 'nomic-embed-text:latest' },
      { name: 'hf.co/sweepai/sweep-next-edit-1.5B:latest' },
    ];
    assert.deepEqual(
      doctorFixes(diagnose({ tasks, backends: [backend({ name: 'local', url: 'http://127.0.0.1:11434', models: all })] })),
      [],
    );
    const dgx = diagnose({
      tasks,
      backends: [
        backend({ name: 'dgx', url: 'http://10.0.0.5:11434', reachable: false }),
        backend({ name: 'local', url: 'http://127.0.0.1:11434', models: all }),
      ],
    });
    assert.deepEqual(doctorFixes(dgx), []);
  });
});

describe('ops: plain-http warning for URL settings', () => {
  it('warns for http to another host only', () => {
    assert.match(insecureUrlWarning('tandem.remoteUrl', 'http://dgx.lab:11434') ?? '', /unencrypted to dgx\.lab/);
    assert.match(insecureUrlWarning('tandem.remoteUrl', 'http://10.1.2.3:11434') ?? '', /10\.1\.2\.3/);
    assert.equal(insecureUrlWarning('tandem.remoteUrl', 'https://dgx.lab'), undefined);
    assert.equal(insecureUrlWarning('tandem.ollamaUrl', 'http://127.0.0.1:11434'), undefined);
    assert.equal(insecureUrlWarning('tandem.ollamaUrl', 'http://localhost:11434'), undefined);
    assert.equal(insecureUrlWarning('tandem.ollamaUrl', 'http://[::1]:11434'), undefined);
    assert.equal(insecureUrlWarning('tandem.remoteUrl', ''), undefined);
  });
});

describe('ops: pull progress', () => {
  it('adds up to 100 over layers, never going back', () => {
    const t = new PullProgressTracker();
    const base = { pullId: 'p', model: 'm', backend: 'local' };
    const steps = [
      t.update({ ...base, status: 'pulling manifest' }),
      t.update({ ...base, status: 'pulling aaa', digest: 'sha256:a', total: 1000, completed: 500 }),
      t.update({ ...base, status: 'pulling aaa', digest: 'sha256:a', total: 1000, completed: 1000 }),
      t.update({ ...base, status: 'pulling bbb', digest: 'sha256:b', total: 1000, completed: 0 }),
      t.update({ ...base, status: 'success' }),
    ];
    assert.deepEqual(
      steps.map((s) => s.increment),
      [0, 50, 50, 0, 0],
    );
    assert.equal(steps[1].message, 'pulling aaa 500 B / 1000 B');
    assert.equal(formatBytes(1_500_000_000), '1.4 GB');
  });
});
