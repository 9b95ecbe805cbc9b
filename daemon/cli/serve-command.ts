import { loadConfig, zIdleTimeoutSec } from '../config';
import { AlreadyRunningError } from '../already-running';
import { Daemon } from '../daemon';
import { DaemonLogger, streamSink } from '../log';
import { createDaemonParts } from '../parts';
import { installCrashGuard } from '../server/crash-guard';
import { usePrivateUmask } from '../storage/private-files';
import { UsageError, optionalInt, type CliCommand } from './command';

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Run the daemon in the foreground (the extension starts it for you).',
  usage: 'tandemd serve [--port N] [--idle-timeout SECONDS]',
  options: { port: { type: 'string' }, 'idle-timeout': { type: 'string' } },
  async run({ values }, io) {
    // The daemon writes only into its home, and everything there is private (0700/0600).
    usePrivateUmask();
    const config = loadConfig(io.env);
    const port = optionalInt(values, 'port');
    const idle = optionalInt(values, 'idle-timeout');
    if (port !== undefined && port > 65535) throw new UsageError('--port must be ≤ 65535');
    if (idle !== undefined) {
      const checked = zIdleTimeoutSec.safeParse(idle);
      if (!checked.success) throw new UsageError(`--idle-timeout ${checked.error.issues[0]?.message ?? 'is out of range'}`);
      config.daemon.idleTimeoutSec = checked.data;
    }
    const logger = new DaemonLogger(config.daemon.logLevel);
    logger.addSink(streamSink((line) => io.stderr(line)));
    const daemon = new Daemon({
      config,
      logger,
      port,
      processMetrics: true,
      createParts: createDaemonParts,
    });
    // This process is the daemon: an error that escapes every handler is logged and fails its request, never the process.
    const guard = installCrashGuard({ logger, metrics: daemon.metrics });
    let stopped: Promise<number>;
    try {
      const info = await daemon.start();
      // Signals are handled before the line is out: whoever started the daemon may stop it as soon as it reads it
      // (with the line first, a SIGTERM sent at once could find Node's default handler and end it uncleanly).
      stopped = stopOnSignals(daemon, logger, guard);
      io.stdout(`${JSON.stringify({ event: 'listening', pid: info.pid, port: info.port, version: info.version })}\n`);
    } catch (err) {
      if (err instanceof AlreadyRunningError) {
        io.stdout(
          `${JSON.stringify({ event: 'already-running', pid: err.holder.pid, port: err.holder.port, version: err.holder.version })}\n`,
        );
        io.stderr(`${err.message} Use \`tandemd status\` or \`tandemd stop\`.\n`);
        guard.dispose();
        return 0;
      }
      guard.dispose();
      throw err;
    }
    return stopped;
  },
};

/** SIGTERM, SIGINT and SIGHUP stop the daemon; resolves with 0 once it has stopped. */
function stopOnSignals(daemon: Daemon, logger: DaemonLogger, guard: { dispose(): void }): Promise<number> {
  return new Promise<number>((resolve) => {
    const onSignal = (sig: NodeJS.Signals) => {
      logger.info(`Received ${sig}.`);
      void daemon.stop(sig);
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    process.once('SIGHUP', onSignal);
    daemon.onStopped(() => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      process.off('SIGHUP', onSignal);
      guard.dispose();
      resolve(0);
    });
  });
}
