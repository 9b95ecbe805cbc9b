/**
 * The `tandemd` command line: parses the subcommand and runs it.
 * Exit codes: 0 ok, 1 the command's check failed, 2 usage or configuration error,
 * 3 daemon not running (status).
 */
import { parseArgs } from 'node:util';
import { TandemError } from '../../protocol';
import { commands } from './index';
import { UsageError, type CliIo } from './command';
import { ConfigError } from '../config';
import { DAEMON_VERSION } from '../version';

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `tandemd ${DAEMON_VERSION} — Tandem's local daemon (context engine, storage, model routing to Ollama)`,
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Usage:',
    ...commands.map((c) => `  ${c.usage}`),
    '',
    'Environment: TANDEM_HOME (default ~/.tandem), TANDEM_OLLAMA_URL, TANDEM_DGX_URL.',
    '',
  ].join('\n');
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name = 'serve', ...rest] = argv;
  if (name === 'help' || name === '--help' || name === '-h') {
    io.stdout(help());
    return 0;
  }
  if (name === 'version' || name === '--version' || name === '-v') {
    io.stdout(`${DAEMON_VERSION}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`Unknown command "${name}".\n\n${help()}`);
    return 2;
  }
  try {
    const args = parseArgs({ args: rest, options: command.options, allowPositionals: command.allowPositionals ?? false, strict: true });
    return await command.run(args, io);
  } catch (err) {
    if (err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith?.('ERR_PARSE_ARGS')) {
      io.stderr(`tandemd ${name}: ${(err as Error).message}\nUsage: ${command.usage}\n`);
      return 2;
    }
    if (err instanceof ConfigError) {
      io.stderr(`tandemd: ${err.message}\n`);
      return 2;
    }
    if (err instanceof TandemError) {
      io.stderr(`tandemd ${name}: ${err.message}${err.hint ? `\n  ${err.hint}` : ''}\n`);
      return 1;
    }
    io.stderr(`tandemd ${name} failed: ${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  }
}
