/**
 * The Tandem home: `TANDEM_HOME` or `~/.tandem`, one per user and machine. It holds the
 * daemon's lock file (`lockfile.ts`), config.json, logs and stores, so the extension,
 * the CLI and the daemon must agree on it: it is part of the contract.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function tandemHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.TANDEM_HOME && env.TANDEM_HOME.trim() !== '' ? env.TANDEM_HOME : join(homedir(), '.tandem');
}
