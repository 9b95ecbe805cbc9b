/**
 * The daemon-start wiring: a TandemClient that finds tandemd through the lock file in
 * the Tandem home or starts it (the bundled dist/daemon.js on the chosen Node runtime),
 * explains an early exit from the daemon's log, and sends the settings (with the remote
 * backend's token from SecretStorage) and the workspace roots on every connect.
 */
import * as vscode from 'vscode';
import { tandemHome } from '../../protocol/home';
import { liveLock } from '../../protocol/lockfile';
import { systemClock } from '../clock';
import { daemonLogFile, probeNodeVersion, readTail, spawnDaemon } from '../connection/daemon-process';
import { chooseNodeRuntime, explainDaemonExit, type NodeRuntime } from '../connection/node-runtime';
import type { Logger } from '../log';
import { settingsUpdateParams } from '../settings';
import { TandemClient } from '../tandem-client';
import { currentSettings } from '../vscode/config';

export const REMOTE_TOKEN_SECRET = 'tandem.remoteToken';

export interface DaemonClient {
  client: TandemClient;
  workspaceRoots(): string[];
  setRemoteToken(token: string | undefined): Promise<void>;
}

export async function createDaemonClient(context: vscode.ExtensionContext, logger: Logger): Promise<DaemonClient> {
  const version = (context.extension.packageJSON as { version?: string }).version ?? '0.0.0';
  const home = tandemHome(process.env);
  const daemonJs = vscode.Uri.joinPath(context.extensionUri, 'dist', 'daemon.js').fsPath;
  logger.info(`Tandem ${version} activating (home ${home}, ${vscode.env.remoteName ? `remote ${vscode.env.remoteName}` : 'local'})`);

  let remoteToken = await context.secrets.get(REMOTE_TOKEN_SECRET);
  const remoteHeaders = () => (remoteToken ? { Authorization: `Bearer ${remoteToken}` } : undefined);
  let runtime: NodeRuntime | undefined;

  const workspaceRoots = () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);

  const client = new TandemClient({
    client: { name: 'tandem-vscode', version },
    findLive: () => liveLock(home),
    startDaemon: async () => {
      runtime = await chooseNodeRuntime({
        settingPath: currentSettings().nodePath,
        execPath: process.execPath,
        execNodeVersion: process.versions.node,
        probeVersion: (command) => probeNodeVersion(command),
      });
      logger.info(
        `starting tandemd: ${runtime.command} (${runtime.source}, ${runtime.version ?? 'unknown version'}) ${daemonJs} serve; log ${daemonLogFile(home)}`,
      );
      return spawnDaemon({ runtime, daemonJs, home });
    },
    explainExit: async (exit) => {
      const logFile = daemonLogFile(home);
      return explainDaemonExit(exit, readTail(logFile), runtime ?? { command: 'node', env: {}, source: 'path' }, logFile);
    },
    settings: () => settingsUpdateParams(currentSettings(), remoteHeaders()),
    workspaceRoots,
    clock: systemClock,
    log: logger,
  });

  return {
    client,
    workspaceRoots,
    setRemoteToken: async (token) => {
      remoteToken = token;
      await client.updateSettings();
    },
  };
}
