/**
 * What the `index`, `retrieve` and `search` commands share: an in-process engine on
 * the user's Tandem home and config (no daemon needed), the cursor split, and root/file
 * checks that refuse paths outside the root.
 */
import { realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { tandemHome } from '../../protocol/home';
import { workspaceRootRefusal } from '../../shared/root-policy';
import { UsageError, type CliIo } from '../cli/command';
import { loadConfig, type TandemConfig } from '../config';
import { DaemonLogger, streamSink } from '../log';
import { Metrics } from '../metrics';
import { createRouter } from '../parts';
import { parseContextConfig } from './config';
import { TandemContextEngine } from './engine';

export interface CliEngine {
  engine: TandemContextEngine;
  config: TandemConfig;
  close(): Promise<void>;
}

/** An engine for one CLI run; `semantic` connects the model router for embeddings. */
export function openCliEngine(io: CliIo, opts: { semantic: boolean; backgroundEmbedding?: boolean }): CliEngine {
  const config = loadConfig(io.env);
  const logger = new DaemonLogger('warn');
  logger.addSink(streamSink((l) => io.stderr(l)));
  const router = opts.semantic ? createRouter(config, new Metrics(), logger) : undefined;
  const engine = new TandemContextEngine({
    home: config.home,
    config: parseContextConfig(config.context),
    embedder: router,
    logger,
    backgroundEmbedding: opts.backgroundEmbedding ?? false,
  });
  return {
    engine,
    config,
    async close() {
      await engine.dispose();
      router?.dispose();
    },
  };
}

/** The canonical root, or a usage error (not a directory, or refused by the root policy). */
export function resolveRoot(root: string, env: NodeJS.ProcessEnv = process.env): string {
  let real: string;
  try {
    real = realpathSync(root);
    if (!statSync(real).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new UsageError(`--root ${root} is not a directory`);
  }
  const refusal = workspaceRootRefusal(real, { userHome: homedir(), tandemHome: tandemHome(env) });
  if (refusal) throw new UsageError(refusal.message);
  return real;
}

/** A file inside the root (relative to it or absolute), realpath-checked; a usage error otherwise. */
export function resolveFileInRoot(root: string, file: string): string {
  const candidate = isAbsolute(file) ? file : resolve(root, file);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    throw new UsageError(`${file} does not exist under ${root}`);
  }
  const rel = relative(root, real);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel))
    throw new UsageError(`${file} is outside the root ${root}`);
  return real;
}

/** Split a text at a 1-based line and column (the column may be one past the line's end). */
export function splitAtCursor(text: string, line: number, col: number): { prefix: string; suffix: string } {
  const lines = text.split('\n');
  if (!Number.isInteger(line) || line < 1 || line > lines.length)
    throw new UsageError(`line ${line} is outside the file (1-${lines.length})`);
  const lineText = lines[line - 1].replace(/\r$/, '');
  if (!Number.isInteger(col) || col < 1 || col > lineText.length + 1)
    throw new UsageError(`column ${col} is outside line ${line} (1-${lineText.length + 1})`);
  let offset = 0;
  for (let i = 0; i < line - 1; i++) offset += lines[i].length + 1;
  offset += col - 1;
  return { prefix: text.slice(0, offset), suffix: text.slice(offset) };
}
