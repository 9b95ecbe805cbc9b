/**
 * The daemon-start wiring: a TandemClient that finds tandemd through the lock file in
 * the Tandem home or starts it (dist/daemon.js on the runtime the launcher chooses: the VSIX's bundled Node unless `tandem.daemon.nodePath` is set),
 * explains an early exit from the daemon's log, and sends the settings (with the remote
 * backend's token from SecretStorage) and the workspace roots the root policy allows on every connect.
 */
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { tandemHome } from '../../protocol/home';
import { liveDaemon } from '../../protocol/lockfile';
import { workspaceRootRefusal } from '../../shared/root-policy';
import { systemClock } from '../clock';
import { createDaemonLauncher } from '../connection/daemon-launcher';
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
  logger.info(`Tandem ${version} activating (home ${home}, ${vscode.env.remoteName ? `remote ${vscode.env.remoteName}` : 'local'})`);

  let remoteToken = await context.secrets.get(REMOTE_TOKEN_SECRET);
  const remoteHeaders = () => (remoteToken ? { Authorization: `Bearer ${remoteToken}` } : undefined);
  const launcher = createDaemonLauncher({
    extensionRoot: context.extensionUri.fsPath,
    home,
    nodePath: () => currentSettings().nodePath,
    logger,
  });

  const workspaceRoots = () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);

  const client = new TandemClient({
    client: { name: 'tandem-vscode', version },
    findLive: () => liveDaemon(home),
    startDaemon: () => launcher.start(),
    explainExit: (exit) => launcher.explainExit(exit),
    settings: () => settingsUpdateParams(currentSettings(), remoteHeaders()),
    workspaceRoots,
    rootRefusal: (root) => workspaceRootRefusal(root, { userHome: homedir(), tandemHome: home }),
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
