/**
 * The fake Ollama as its own process (its CLI: test/fake-ollama/cli.ts), for a session
 * whose daemon is started by the extension inside code-server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, signal, terminate } from './processes';
import { repoRoot } from './vsix';

export class FakeOllamaProcess {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
  ) {}

  /** Starts the fake with `script` (a FakeScript object, written to a JSON file in `dir`). */
  static async start(script: unknown, dir: string): Promise<FakeOllamaProcess> {
    const scriptFile = join(dir, 'fake-ollama-script.json');
    writeFileSync(scriptFile, JSON.stringify(script, null, 2));
    const logFile = join(dir, 'fake-ollama.log');
    const err = openSync(logFile, 'w');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'test/fake-ollama/cli.ts'), '--port', '0', '--script', scriptFile, '--exit-on-stdin-close'],
      {
        cwd: repoRoot,
        stdio: ['pipe', 'pipe', err],
        env: cleanEnv({}),
      },
    );
    closeSync(err);
    const url = await new Promise<string>((done, fail) => {
      let out = '';
      const timer = setTimeout(() => fail(new Error(`fake Ollama printed no URL within 30 s; see ${logFile}`)), 30_000);
      // Only an exit before the URL is a start failure; later (at teardown) the log folder may be gone.
      const onEarlyExit = (code: number | null) => {
        clearTimeout(timer);
        let tail = '';
        try {
          tail = readFileSync(logFile, 'utf8').slice(-2000);
        } catch {
          tail = '(log unreadable)';
        }
        fail(new Error(`fake Ollama exited (${code}); see ${logFile}: ${tail}`));
      };
      child.once('exit', onEarlyExit);
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const nl = out.indexOf('\n');
        if (nl < 0) return;
        clearTimeout(timer);
        child.off('exit', onEarlyExit);
        try {
          done((JSON.parse(out.slice(0, nl)) as { url: string }).url);
        } catch (e) {
          fail(new Error(`fake Ollama printed ${out.slice(0, nl)}: ${(e as Error).message}`));
        }
      });
    });
    return new FakeOllamaProcess(url, child);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.pid === undefined) return;
    this.child.stdin?.end();
    await terminate(this.child.pid, 3000);
  }

  /** Synchronous last resort (process exit). */
  killNow(): void {
    if (this.child.pid !== undefined && this.child.exitCode === null) signal(this.child.pid, 'SIGKILL');
  }
}
