/**
 * Which Node runs the daemon. The daemon's native modules (better-sqlite3, LanceDB) are
 * built for Node, so a real Node ≥ 20 is preferred: the `tandem.daemon.nodePath`
 * setting, else `node` on PATH. Without one, VS Code's own runtime is used in Node mode
 * (`ELECTRON_RUN_AS_NODE=1`); if the native modules refuse to load there, the start
 * failure says to install Node 20+ or set the setting.
 */
export const MIN_NODE_MAJOR = 20;

export interface NodeRuntime {
  command: string;
  /** Extra environment for the child (ELECTRON_RUN_AS_NODE for VS Code's runtime). */
  env: Record<string, string>;
  /** Where the choice came from, for logs and error messages. */
  source: 'setting' | 'path' | 'vscode';
  version?: string;
}

export interface NodeRuntimeInputs {
  /** `tandem.daemon.nodePath`, empty when unset. */
  settingPath: string;
  /** VS Code's runtime (process.execPath in the extension host). */
  execPath: string;
  /** `process.versions.node` of the extension host. */
  execNodeVersion: string;
  /** Runs `<command> --version`; resolves to its output, or undefined if it cannot run. */
  probeVersion(command: string): Promise<string | undefined>;
}

export function parseNodeMajor(version: string | undefined): number | undefined {
  const m = /^v?(\d+)\./.exec(version?.trim() ?? '');
  return m ? Number(m[1]) : undefined;
}

export class NodeRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NodeRuntimeError';
  }
}

export async function chooseNodeRuntime(inputs: NodeRuntimeInputs): Promise<NodeRuntime> {
  const setting = inputs.settingPath.trim();
  if (setting !== '') {
    const version = await inputs.probeVersion(setting);
    const major = parseNodeMajor(version);
    if (major === undefined) {
      throw new NodeRuntimeError(
        `tandem.daemon.nodePath is "${setting}", which does not run as Node.js; point it at a Node ${MIN_NODE_MAJOR}+ executable or clear it.`,
      );
    }
    if (major < MIN_NODE_MAJOR) {
      throw new NodeRuntimeError(`tandem.daemon.nodePath is Node ${version?.trim()}; tandemd needs Node ${MIN_NODE_MAJOR} or later.`);
    }
    return { command: setting, env: {}, source: 'setting', version: version?.trim() };
  }
  const onPath = await inputs.probeVersion('node');
  const major = parseNodeMajor(onPath);
  if (major !== undefined && major >= MIN_NODE_MAJOR) return { command: 'node', env: {}, source: 'path', version: onPath?.trim() };
  return { command: inputs.execPath, env: { ELECTRON_RUN_AS_NODE: '1' }, source: 'vscode', version: `v${inputs.execNodeVersion}` };
}

/** Patterns of a native module that was built for another Node ABI or failed to load. */
const nativeLoadFailure =
  /better[-_]sqlite3|NODE_MODULE_VERSION|was compiled against a different Node\.js version|\.node: (?:invalid ELF|cannot open shared object)|ERR_DLOPEN_FAILED|lancedb/i;

/**
 * The sentence shown when the daemon exited right after being started, from its exit
 * and the tail of its log.
 */
export function explainDaemonExit(
  exit: { code: number | null; signal: string | null; error?: string },
  logTail: string,
  runtime: NodeRuntime,
  logFile: string,
): string {
  if (exit.error) {
    return `Cannot run ${runtime.command} to start tandemd (${exit.error}). Install Node.js ${MIN_NODE_MAJOR} or later, or set "tandem.daemon.nodePath".`;
  }
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  if (nativeLoadFailure.test(logTail)) {
    if (runtime.source === 'vscode') {
      return `tandemd ${how}: its native modules (better-sqlite3) do not load in VS Code's built-in runtime. Install Node.js ${MIN_NODE_MAJOR} or later on PATH, or set "tandem.daemon.nodePath" to a Node ${MIN_NODE_MAJOR}+ executable.`;
    }
    return (
      `tandemd ${how}: its native modules (better-sqlite3) do not load with ${runtime.command} ${runtime.version ?? ''}`.trimEnd() +
      `. Use Node.js ${MIN_NODE_MAJOR} or later (setting "tandem.daemon.nodePath") or reinstall the Tandem extension for this platform.`
    );
  }
  const lastLine = logTail
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .at(-1);
  return `tandemd ${how}${lastLine ? `: ${lastLine}` : ''}. See ${logFile}.`;
}
