/**
 * Which Node runs the daemon. The platform VSIX carries its own Node.js (runtime/bin/node,
 * protocol/runtime.ts) with better-sqlite3 built for exactly that runtime, so tandemd
 * always runs on it, whatever `node` is on PATH (none, or any major). The
 * `tandem.daemon.nodePath` setting overrides it explicitly.
 *
 * A development checkout (the extension run from the repository) has no bundled runtime;
 * its node_modules were built for the developer's Node, so there `node` on PATH (20+) is
 * used, else VS Code's own runtime in Node mode (`ELECTRON_RUN_AS_NODE=1`).
 */
import type { RuntimeManifest } from '../../protocol/runtime';

export const MIN_NODE_MAJOR = 20;

export type RuntimeSource = 'setting' | 'bundled' | 'path' | 'vscode';

export interface NodeRuntime {
  command: string;
  /** Extra environment for the child (ELECTRON_RUN_AS_NODE for VS Code's runtime). */
  env: Record<string, string>;
  /** Variables of the extension host's environment the child must not inherit. */
  unsetEnv?: string[];
  /** Where the choice came from, for logs and error messages. */
  source: RuntimeSource;
  version?: string;
  /** Something worth a line in the log (e.g. a nodePath that does not match the bundled addon). */
  warning?: string;
}

/** What running `<command> --version` gave: its output, or why it did not run. */
export interface VersionProbe {
  version?: string;
  error?: string;
}

export interface NodeRuntimeInputs {
  /** `tandem.daemon.nodePath`, empty when unset. */
  settingPath: string;
  /** The runtime the VSIX carries; undefined when the extension folder has none. */
  bundled?: { path: string; manifest?: RuntimeManifest };
  /** VS Code's runtime (process.execPath in the extension host). */
  execPath: string;
  /** `process.versions.node` of the extension host. */
  execNodeVersion: string;
  /** Runs `<command> --version`, without the variables in `unsetEnv`. */
  probeVersion(command: string, unsetEnv?: string[]): Promise<VersionProbe>;
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

/**
 * NODE_OPTIONS belongs to the user's own Node: flags meant for another major (or a
 * debugger's --require) must not stop or change the runtime Tandem brings.
 */
const BUNDLED_UNSET_ENV = ['NODE_OPTIONS'];

export async function chooseNodeRuntime(inputs: NodeRuntimeInputs): Promise<NodeRuntime> {
  const setting = inputs.settingPath.trim();
  if (setting !== '') {
    const probe = await inputs.probeVersion(setting);
    const version = probe.version?.trim();
    const major = parseNodeMajor(version);
    if (major === undefined) {
      throw new NodeRuntimeError(
        `tandem.daemon.nodePath is "${setting}", which does not run as Node.js${probe.error ? ` (${probe.error})` : ''}; point it at a Node ${MIN_NODE_MAJOR}+ executable or clear it${inputs.bundled ? ' to use the Node.js that comes with Tandem' : ''}.`,
      );
    }
    if (major < MIN_NODE_MAJOR) {
      throw new NodeRuntimeError(`tandem.daemon.nodePath is Node ${version}; tandemd needs Node ${MIN_NODE_MAJOR} or later.`);
    }
    const bundled = inputs.bundled?.manifest;
    const warning =
      bundled && parseNodeMajor(bundled.node) !== major
        ? `tandem.daemon.nodePath is Node ${version}, but this Tandem's better-sqlite3 is built for its bundled Node ${bundled.node} (NODE_MODULE_VERSION ${bundled.modules}); tandemd cannot open its database on another ABI. Clear the setting to use the bundled runtime.`
        : undefined;
    return { command: setting, env: {}, source: 'setting', version, ...(warning ? { warning } : {}) };
  }
  if (inputs.bundled) {
    const { path, manifest } = inputs.bundled;
    const probe = await inputs.probeVersion(path, BUNDLED_UNSET_ENV);
    const version = probe.version?.trim();
    if (parseNodeMajor(version) === undefined) {
      const glibc = manifest?.glibc ? ` On Linux it needs glibc ${manifest.glibc} or later.` : '';
      throw new NodeRuntimeError(
        `The Node.js runtime that comes with Tandem (${path}${manifest ? `, Node ${manifest.node}` : ''}) does not run on this machine${probe.error ? ` (${probe.error})` : ''}.${glibc} Install the Tandem VSIX built for this platform, or set "tandem.daemon.nodePath" to a Node ${parseNodeMajor(manifest?.node) ?? MIN_NODE_MAJOR} executable.`,
      );
    }
    return { command: path, env: {}, unsetEnv: BUNDLED_UNSET_ENV, source: 'bundled', version };
  }
  const onPath = (await inputs.probeVersion('node')).version?.trim();
  const major = parseNodeMajor(onPath);
  if (major !== undefined && major >= MIN_NODE_MAJOR) return { command: 'node', env: {}, source: 'path', version: onPath };
  return { command: inputs.execPath, env: { ELECTRON_RUN_AS_NODE: '1' }, source: 'vscode', version: `v${inputs.execNodeVersion}` };
}

/** Patterns of a native module that was built for another Node ABI or failed to load. */
const nativeLoadFailure =
  /better[-_]sqlite3|NODE_MODULE_VERSION|was compiled against a different Node\.js version|\.node: (?:invalid ELF|cannot open shared object)|ERR_DLOPEN_FAILED|lancedb/i;

/** The daemon's own diagnosis of a failed start (`tandemd serve: <cause>` and its indented fix), if the log has one. */
function daemonDiagnosis(logTail: string): string | undefined {
  const lines = logTail.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /^tandemd serve: (.+)$/.exec(lines[i]!.trim());
    if (!m) continue;
    const hint = lines[i + 1]?.startsWith('  ') ? lines[i + 1]!.trim() : '';
    return hint ? `${m[1]!.replace(/\.?$/, '.')} ${hint}` : m[1];
  }
  return undefined;
}

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
    if (runtime.source === 'bundled') {
      return `Cannot run the Node.js that comes with Tandem (${runtime.command}: ${exit.error}). Reinstall the Tandem extension for this platform, or set "tandem.daemon.nodePath".`;
    }
    if (runtime.source === 'setting') {
      return `Cannot run tandem.daemon.nodePath (${runtime.command}: ${exit.error}). Point it at a Node.js executable, or clear it.`;
    }
    return `Cannot run ${runtime.command} to start tandemd (${exit.error}). Install Node.js ${MIN_NODE_MAJOR} or later, or set "tandem.daemon.nodePath".`;
  }
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  if (nativeLoadFailure.test(logTail)) {
    const diagnosis = daemonDiagnosis(logTail);
    if (diagnosis) return `tandemd ${how}: ${diagnosis}`;
    const on = `${runtime.command}${runtime.version ? ` (${runtime.version})` : ''}`;
    switch (runtime.source) {
      case 'bundled':
        return `tandemd ${how}: its native modules do not load in the Node.js that comes with Tandem (${on}). Reinstall the Tandem extension (the VSIX for this platform). See ${logFile}.`;
      case 'setting':
        return `tandemd ${how}: its native modules do not load with tandem.daemon.nodePath ${on}, which is not the runtime they were built for. Clear the setting to use the Node.js that comes with Tandem. See ${logFile}.`;
      case 'vscode':
        return `tandemd ${how}: its native modules (better-sqlite3) do not load in VS Code's built-in runtime. Install Node.js ${MIN_NODE_MAJOR} or later on PATH, or set "tandem.daemon.nodePath" to a Node ${MIN_NODE_MAJOR}+ executable.`;
      case 'path':
        return `tandemd ${how}: its native modules (better-sqlite3) do not load with ${on}; they were built for another Node. Run \`npm rebuild better-sqlite3\` with that Node, or set "tandem.daemon.nodePath" to the Node that built them. See ${logFile}.`;
    }
  }
  const lastLine = logTail
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .at(-1);
  return `tandemd ${how}${lastLine ? `: ${lastLine}` : ''}. See ${logFile}.`;
}
