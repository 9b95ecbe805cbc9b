import { StatusRequest, type DaemonStatus } from '../../protocol';
import { tandemHome } from '../../protocol/home';
import type { CliCommand } from './command';
import { connectCli } from './connect';

export function formatStatus(s: DaemonStatus): string {
  const lines = [
    `tandemd ${s.version} (pid ${s.pid}) up ${s.uptimeSec} s, ${s.clients} client(s)`,
    `ready: ${s.ready ? 'yes' : 'no'}`,
    ...s.reasons.map((r) => `  - ${r}`),
    'backends:',
    ...s.backends.map(
      (b) =>
        `  ${b.name.padEnd(10)} ${b.url}  ${b.health}${b.circuit !== 'closed' ? ` (circuit ${b.circuit})` : ''}` +
        `${b.latencyMs !== null ? `  ~${Math.round(b.latencyMs)} ms` : ''}${b.lastError ? `  last error: ${b.lastError}` : ''}`,
    ),
  ];
  for (const ix of s.indexing ?? []) lines.push(`index: ${ix.root}  ${ix.state} ${ix.filesDone}/${ix.filesTotal}`);
  return lines.join('\n') + '\n';
}

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'Show whether the daemon runs, its readiness and backend health.',
  usage: 'tandemd status [--json]',
  options: { json: { type: 'boolean' } },
  async run({ values }, io) {
    let why: string | undefined;
    const found = await connectCli(io.env, (reason) => (why = reason));
    if (!found) {
      if (values.json) io.stdout(`${JSON.stringify({ running: false, ...(why ? { reason: why } : {}) })}\n`);
      else
        io.stdout(
          `tandemd is not running (home ${tandemHome(io.env)}${why ? `; ${why}` : ''}). The extension starts it, or run \`tandemd serve\`.\n`,
        );
      return 3;
    }
    try {
      const status = await found.conn.connection.sendRequest(StatusRequest.type);
      io.stdout(values.json ? `${JSON.stringify({ running: true, port: found.lock.port, ...status })}\n` : formatStatus(status));
      return status.ready ? 0 : 1;
    } finally {
      found.conn.close();
    }
  },
};
