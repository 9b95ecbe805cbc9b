import assert from 'node:assert/strict';
import { commandEnv, runProcess } from '../../../../daemon/agent/process';

const base = { cwd: process.cwd(), timeoutMs: 10_000, maxOutputBytes: 64 * 1024, env: commandEnv(process.env).env };

describe('agent process runner', function () {
  this.timeout(20_000);

  it('leaves secret-looking variables (by name or value) and Tandem’s own out of the environment', () => {
    const { env, removed } = commandEnv({
      PATH: '/usr/bin',
      HOME: '/home/u',
      GITHUB_TOKEN: 'x',
      AWS_SECRET_ACCESS_KEY: 'y',
      DB_PASSWORD: 'z',
      OPENAI_API_KEY: 'k',
      PROXY: 'http://user:pass@proxy:8080',
      NOTE: 'ghp_abcdefghijklmnop',
      TANDEM_HOME: '/t',
      LANG: 'C.UTF-8',
    });
    assert.deepEqual(removed, ['AWS_SECRET_ACCESS_KEY', 'DB_PASSWORD', 'GITHUB_TOKEN', 'NOTE', 'OPENAI_API_KEY', 'PROXY', 'TANDEM_HOME']);
    assert.equal(env.PATH, '/usr/bin');
    assert.equal(env.LANG, 'C.UTF-8');
    assert.equal(env.GIT_TERMINAL_PROMPT, '0');
  });

  it('captures output and the exit code; keeps head and tail of long output and says how much was cut', async () => {
    const ok = await runProcess({
      ...base,
      argv: [process.execPath, '-e', 'console.log("out"); console.error("err"); process.exit(3)'],
      signal: new AbortController().signal,
    });
    assert.equal(ok.exitCode, 3);
    assert.match(ok.output, /out/);
    assert.match(ok.output, /err/);
    const long = await runProcess({
      ...base,
      maxOutputBytes: 1000,
      argv: [process.execPath, '-e', 'process.stdout.write("HEAD" + "x".repeat(10000) + "TAIL")'],
      signal: new AbortController().signal,
    });
    assert.ok(long.output.startsWith('HEAD'));
    assert.ok(long.output.endsWith('TAIL'));
    assert.ok(long.omittedBytes >= 9000);
    assert.match(long.output, /bytes of output left out/);
  });

  it('kills the command at its time limit, and reports a program that cannot start', async () => {
    const slow = await runProcess({ ...base, timeoutMs: 300, commandLine: 'sleep 20', signal: new AbortController().signal });
    assert.equal(slow.timedOut, true);
    assert.ok(slow.durationMs < 5000);
    const missing = await runProcess({ ...base, argv: ['definitely-not-a-program-xyz'], signal: new AbortController().signal });
    assert.match(missing.spawnError ?? '', /ENOENT/);
  });

  it('an abort kills the whole process group, background children included', async () => {
    const ac = new AbortController();
    let pid = 0;
    const run = runProcess({
      ...base,
      commandLine: 'sleep 30 & echo $!; wait',
      signal: ac.signal,
      onOutput: (_s, text) => {
        pid ||= Number(text.trim());
        if (pid) ac.abort();
      },
    });
    const r = await run;
    assert.equal(r.cancelled, true);
    assert.ok(pid > 0);
    const deadline = Date.now() + 5000;
    let alive = true;
    while (alive && Date.now() < deadline) {
      try {
        process.kill(pid, 0);
        await new Promise((res) => setTimeout(res, 50));
      } catch {
        alive = false;
      }
    }
    assert.equal(alive, false);
  });
});
