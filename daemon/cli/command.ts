/**
 * The shape of a `tandemd` subcommand. Each command is a file in daemon/cli/ exporting
 * a `CliCommand`; daemon/cli/index.ts lists them (and renders `tandemd help`).
 */
import type { ParseArgsConfig } from 'node:util';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface CliCommand {
  name: string;
  /** One line for `tandemd help`. */
  summary: string;
  /** Usage line(s), e.g. `tandemd complete --root DIR --file F --line L --col C`. */
  usage: string;
  /** Options for node:util parseArgs (strict). */
  options: NonNullable<ParseArgsConfig['options']>;
  /** Allow positional arguments (e.g. the query of `search`). */
  allowPositionals?: boolean;
  /** Returns the process exit code. */
  run(
    args: { values: Record<string, string | boolean | Array<string | boolean> | undefined>; positionals: string[] },
    io: CliIo,
  ): Promise<number>;
}

/** A command-line error: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function requireString(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

export function optionalInt(values: Record<string, unknown>, name: string, min = 0): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${String(v)}"`);
  return n;
}
