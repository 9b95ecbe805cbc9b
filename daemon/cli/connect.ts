import { connectToDaemon, type DaemonConnection } from '../../protocol/client';
import { tandemHome } from '../../protocol/home';
import { liveLock, type LockInfo } from '../../protocol/lockfile';
import { DAEMON_VERSION } from '../version';

/** Connect the CLI to the running daemon, or return undefined when none runs. */
export async function connectCli(env: NodeJS.ProcessEnv): Promise<{ lock: LockInfo; conn: DaemonConnection } | undefined> {
  const lock = liveLock(tandemHome(env));
  if (!lock || lock.port === 0) return undefined;
  const conn = await connectToDaemon({
    port: lock.port,
    token: lock.token,
    client: { name: 'tandemd-cli', version: DAEMON_VERSION },
    capabilities: {},
  });
  return { lock, conn };
}
