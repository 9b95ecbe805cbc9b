import { ShutdownRequest } from '../../protocol';
import { pidAlive } from '../../protocol/lockfile';
import type { CliCommand } from './command';
import { connectCli } from './connect';

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!pidAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !pidAlive(pid);
}

export const stopCommand: CliCommand = {
  name: 'stop',
  summary: 'Stop the running daemon.',
  usage: 'tandemd stop',
  options: {},
  async run(_args, io) {
    const found = await connectCli(io.env);
    if (!found) {
      io.stdout('tandemd is not running.\n');
      return 0;
    }
    const { pid } = found.lock;
    try {
      await found.conn.connection.sendRequest(ShutdownRequest.type);
    } finally {
      found.conn.close();
    }
    if (await waitForExit(pid, 5000)) {
      io.stdout(`tandemd (pid ${pid}) stopped.\n`);
      return 0;
    }
    process.kill(pid, 'SIGTERM');
    if (await waitForExit(pid, 3000)) {
      io.stdout(`tandemd (pid ${pid}) stopped after SIGTERM.\n`);
      return 0;
    }
    io.stderr(`tandemd (pid ${pid}) did not stop; kill it with \`kill -9 ${pid}\`.\n`);
    return 1;
  },
};
