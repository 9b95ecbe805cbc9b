/**
 * Starting tandemd the way the extension does, in one place: choose the runtime (the
 * bundled Node.js unless `tandem.daemon.nodePath` says otherwise, node-runtime.ts), log
 * the choice, spawn `dist/daemon.js serve` detached (daemon-process.ts), and explain an
 * early exit from the log written since that start. The extension's main.ts wires it
 * into the TandemClient; the packaging test starts the daemon from an extracted VSIX
 * through it too, so both run the same code.
 */
import { join } from 'node:path';
import type { Logger } from '../log';
import type { ExitInfo, StartedDaemon } from './daemon-manager';
import { daemonLogFile, findBundledRuntime, probeNodeVersion, readTail, sinceLastStart, spawnDaemon } from './daemon-process';
import { chooseNodeRuntime, explainDaemonExit, type NodeRuntime } from './node-runtime';

export interface DaemonLauncherOptions {
  /** The extension's folder: holds dist/daemon.js and, in a VSIX, runtime/. */
  extensionRoot: string;
  home: string;
  /** `tandem.daemon.nodePath`, read at each start. */
  nodePath: () => string;
  logger: Logger;
  /** The environment tandemd inherits (the extension host's). */
  env?: NodeJS.ProcessEnv;
  /** VS Code's runtime, the last resort of a development checkout. */
  execPath?: string;
  execNodeVersion?: string;
}

export interface DaemonLauncher {
  start(): Promise<StartedDaemon>;
  explainExit(exit: ExitInfo): Promise<string>;
  /** The runtime of the last start, if any. */
  readonly runtime: NodeRuntime | undefined;
}

export function createDaemonLauncher(opts: DaemonLauncherOptions): DaemonLauncher {
  const daemonJs = join(opts.extensionRoot, 'dist', 'daemon.js');
  const logFile = daemonLogFile(opts.home);
  const env = opts.env ?? process.env;
  let runtime: NodeRuntime | undefined;
  return {
    get runtime() {
      return runtime;
    },
    async start() {
      runtime = await chooseNodeRuntime({
        settingPath: opts.nodePath(),
        bundled: findBundledRuntime(opts.extensionRoot),
        execPath: opts.execPath ?? process.execPath,
        execNodeVersion: opts.execNodeVersion ?? process.versions.node,
        probeVersion: (command, unsetEnv = []) =>
          probeNodeVersion(command, Object.fromEntries(Object.entries(env).filter(([key]) => !unsetEnv.includes(key)))),
      });
      opts.logger.info(
        `starting tandemd: ${runtime.command} (${runtime.source}, ${runtime.version ?? 'unknown version'}) ${daemonJs} serve; log ${logFile}`,
      );
      if (runtime.warning) opts.logger.warn(runtime.warning);
      return spawnDaemon({ runtime, daemonJs, home: opts.home, env });
    },
    async explainExit(exit) {
      return explainDaemonExit(exit, sinceLastStart(readTail(logFile)), runtime ?? { command: 'node', env: {}, source: 'path' }, logFile);
    },
  };
}
