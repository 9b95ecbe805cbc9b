/**
 * Running a command for the agent: in its own process group (so cancelling kills the
 * command and everything it started), with the workspace as cwd, a time limit, output
 * kept up to a cap (the head and the tail, the middle cut out and counted), and an
 * environment without variables that look like secrets. Nothing here decides whether a
 * command may run; `command-policy.ts` and the approval do.
 */
import { spawn } from 'node:child_process';

export interface RunSpec {
  /** Program and arguments (no shell), or `shell: true` with one command line the user approved as is. */
  argv?: string[];
  commandLine?: string;
  cwd: string;
  timeoutMs: number;
  maxOutputBytes: number;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
}

export interface RunOutcome {
  exitCode: number | null;
  /** The signal that ended it, when one did. */
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  /** stdout and stderr interleaved as they arrived, capped (head + tail). */
  output: string;
  /** Bytes left out of `output`. */
  omittedBytes: number;
  durationMs: number;
  /** The program could not be started (not found, not executable). */
  spawnError?: string;
}

/** Names of variables never passed to a command: anything that looks like a credential. */
const SECRET_NAME =
  /(TOKEN|SECRET|PASSW(OR)?D|PASSPHRASE|CREDENTIAL|API[_-]?KEY|ACCESS[_-]?KEY|PRIVATE[_-]?KEY|AUTH|COOKIE|SESSION|_KEY$|^KEY$)/i;
/** Values that are credentials whatever the name (bearer tokens, URLs with a password, well-known key prefixes). */
const SECRET_VALUE = /(^Bearer\s)|(:\/\/[^/\s:@]+:[^/\s@]+@)|(^(sk|ghp|gho|ghs|github_pat|xox[abp]|glpat|AKIA)[-_A-Za-z0-9]{8,})/;

/** The environment a command gets: the daemon's own, less what looks like a secret (by name or value) and Tandem's internals. */
export function commandEnv(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; removed: string[] } {
  const out: NodeJS.ProcessEnv = {};
  const removed: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (SECRET_NAME.test(name) || SECRET_VALUE.test(value) || name.startsWith('TANDEM_')) {
      removed.push(name);
      continue;
    }
    out[name] = value;
  }
  // Keep tools from paging or prompting: the agent cannot answer an interactive prompt.
  out.GIT_PAGER = 'cat';
  out.PAGER = 'cat';
  out.GIT_TERMINAL_PROMPT = '0';
  out.CI = out.CI ?? '1';
  return { env: out, removed: removed.sort() };
}

/** Keeps the first and last `max / 2` bytes of a stream of text. */
class CappedOutput {
  private head = '';
  private tail = '';
  private headBytes = 0;
  omitted = 0;
  constructor(private readonly max: number) {}

  add(text: string): void {
    const half = Math.floor(this.max / 2);
    if (this.headBytes < half) {
      const room = half - this.headBytes;
      const piece = Buffer.byteLength(text) <= room ? text : Buffer.from(text).subarray(0, room).toString('utf8');
      this.head += piece;
      this.headBytes += Buffer.byteLength(piece);
      text = text.slice(piece.length);
      if (text === '') return;
    }
    this.tail += text;
    const over = Buffer.byteLength(this.tail) - half;
    if (over > 0) {
      const buf = Buffer.from(this.tail);
      this.tail = buf.subarray(over).toString('utf8');
      this.omitted += over;
    }
  }

  toString(): string {
    return this.omitted > 0 ? `${this.head}\n… [${this.omitted} bytes of output left out] …\n${this.tail}` : this.head + this.tail;
  }
}

/** Kill a process group: TERM, then KILL after a grace period. */
function killGroup(pid: number, graceMs = 1500): void {
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }, graceMs);
  timer.unref();
}

export function runProcess(spec: RunSpec): Promise<RunOutcome> {
  const started = performance.now();
  const output = new CappedOutput(spec.maxOutputBytes);
  return new Promise((resolve) => {
    if (spec.signal.aborted) {
      resolve({ exitCode: null, signal: null, timedOut: false, cancelled: true, output: '', omittedBytes: 0, durationMs: 0 });
      return;
    }
    const child =
      spec.commandLine !== undefined
        ? spawn('/bin/sh', ['-c', spec.commandLine], { cwd: spec.cwd, env: spec.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn(spec.argv![0]!, spec.argv!.slice(1), { cwd: spec.cwd, env: spec.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let timedOut = false;
    let cancelled = false;
    let spawnError: string | undefined;
    const stop = () => {
      if (child.pid !== undefined) killGroup(child.pid);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, spec.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      stop();
    };
    spec.signal.addEventListener('abort', onAbort, { once: true });
    const onData = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output.add(text);
      spec.onOutput?.(stream, text);
    };
    child.stdout.on('data', onData('stdout'));
    child.stderr.on('data', onData('stderr'));
    child.on('error', (err) => {
      spawnError = err.message;
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      spec.signal.removeEventListener('abort', onAbort);
      // The group may outlive its leader (a background child): end it too.
      if (child.pid !== undefined && (timedOut || cancelled)) killGroup(child.pid, 0);
      resolve({
        exitCode: code,
        signal: sig,
        timedOut,
        cancelled,
        output: output.toString(),
        omittedBytes: output.omitted,
        durationMs: Math.round(performance.now() - started),
        ...(spawnError !== undefined ? { spawnError } : {}),
      });
    });
  });
}
