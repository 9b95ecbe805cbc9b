import { connectToDaemon, type DaemonConnection } from '../../protocol/client';
import { tandemHome } from '../../protocol/home';
import { findDaemon, type LockInfo } from '../../protocol/lockfile';
import { DAEMON_VERSION } from '../version';

/**
 * Connect the CLI to the running daemon, or return undefined when none runs. The lock's
 * holder is probed first (a stale lock whose pid was reused reads as "not running", with
 * `onAbsent` told why) and the handshake must come from the pid and version in the lock.
 */
export async function connectCli(
  env: NodeJS.ProcessEnv,
  onAbsent?: (why: string) => void,
): Promise<{ lock: LockInfo; conn: DaemonConnection } | undefined> {
  const found = await findDaemon(tandemHome(env));
  if (!found) return undefined;
  if (found.state === 'stale') {
    onAbsent?.(`stale lock: ${found.reason}; the next start takes it over`);
    return undefined;
  }
  const { lock } = found;
  if (lock.port === 0) {
    onAbsent?.(`tandemd (pid ${lock.pid}) is starting`);
    return undefined;
  }
  const conn = await connectToDaemon({
    port: lock.port,
    token: lock.token,
    client: { name: 'tandemd-cli', version: DAEMON_VERSION },
    capabilities: {},
    expect: { pid: lock.pid, version: lock.version },
  });
  return { lock, conn };
}
