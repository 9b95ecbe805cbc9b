import { readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { runInlineCompletion } from '../completion/inline';
import { loadConfig } from '../config';
import { DaemonLogger, streamSink } from '../log';
import { Metrics } from '../metrics';
import { createContextEngine, createRouter } from '../parts';
import { languageIdForPath } from '../languages';
import { UsageError, optionalInt, requireString, type CliCommand } from './command';

/** Resolve F inside DIR (realpath-checked) or throw a usage error. */
export function resolveInRoot(root: string, file: string): { root: string; path: string } {
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    throw new UsageError(`--root ${root} does not exist`);
  }
  const candidate = isAbsolute(file) ? file : resolve(realRoot, file);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    throw new UsageError(`--file ${file} does not exist under ${realRoot}`);
  }
  const rel = relative(realRoot, real);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
    throw new UsageError(`--file ${file} is outside --root ${realRoot}`);
  }
  return { root: realRoot, path: real };
}

/** Split a text at a 1-based line and column (column may be one past the line's end). */
export function splitAt(text: string, line: number, col: number): { prefix: string; suffix: string } {
  const lines = text.split('\n');
  if (line < 1 || line > lines.length) throw new UsageError(`--line ${line} is outside the file (1–${lines.length})`);
  const lineText = lines[line - 1]!.replace(/\r$/, '');
  if (col < 1 || col > lineText.length + 1) throw new UsageError(`--col ${col} is outside line ${line} (1–${lineText.length + 1})`);
  let offset = 0;
  for (let i = 0; i < line - 1; i++) offset += lines[i]!.length + 1;
  offset += col - 1;
  return { prefix: text.slice(0, offset), suffix: text.slice(offset) };
}

export const completeCommand: CliCommand = {
  name: 'complete',
  summary: 'Print the completion Tandem would suggest at a cursor (try Tandem without an editor).',
  usage: 'tandemd complete --root DIR --file F --line L --col C [--single-line] [--json]',
  options: {
    root: { type: 'string' },
    file: { type: 'string' },
    line: { type: 'string' },
    col: { type: 'string' },
    'single-line': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run({ values }, io) {
    const { root, path } = resolveInRoot(requireString(values, 'root'), requireString(values, 'file'));
    const line = optionalInt(values, 'line', 1);
    const col = optionalInt(values, 'col', 1) ?? 1;
    if (line === undefined) throw new UsageError('--line is required');
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
    }
    const { prefix, suffix } = splitAt(text, line, col);
    const config = loadConfig(io.env);
    const logger = new DaemonLogger('warn');
    logger.addSink(streamSink((l) => io.stderr(l)));
    const router = createRouter(config, new Metrics(), logger);
    const context = createContextEngine(config, router, logger);
    try {
      await context.registerRoot(root);
      await new Promise<void>((resolveReady) => {
        const check = () => {
          const p = context.progress().find((x: { root: string }) => x.root === root);
          if (!p || p.state !== 'indexing') {
            off();
            resolveReady();
          }
        };
        const off = context.onProgress(check);
        check();
      });
      const abort = new AbortController();
      const onSigint = () => abort.abort();
      process.once('SIGINT', onSigint);
      const streamToStdout = !values.json;
      const result = await runInlineCompletion(
        { router, context, config: () => config, contextDeadlineMs: context.config.completion.deadlineMs },
        {
          params: {
            document: { path, languageId: languageIdForPath(path), prefix, suffix, line: line - 1, character: col - 1 },
            workspaceRoot: root,
            recentFiles: [],
            multiline: !values['single-line'],
          },
          sessionKey: 'cli',
          signal: abort.signal,
          onDelta: streamToStdout ? (d) => io.stdout(d) : undefined,
        },
      ).finally(() => process.off('SIGINT', onSigint));
      if (values.json) io.stdout(`${JSON.stringify(result)}\n`);
      else {
        io.stdout('\n');
        io.stderr(
          `[${result.model} on ${result.backend}] context ${result.timings.contextMs} ms, first token ${result.timings.firstTokenMs} ms, total ${result.timings.totalMs} ms${result.finishReason === 'empty' ? ' (empty suggestion)' : ''}\n`,
        );
      }
      return 0;
    } finally {
      router.dispose();
      await context.dispose();
    }
  },
};
