/**
 * `tandemd retrieve --root DIR --file F --line L [--col C] [--k N] --json`: the ranked
 * context chunks a completion at that cursor would use (F relative to DIR, 1-based line
 * and column), as one JSON array `{file, startLine, endLine, score, sources, placedBy, parser}`
 * best first (`placedBy`: the signal that placed it, e.g. `unused-import`; `parser`: `tree-sitter:<grammar>` or `heuristic`, with `parserNote` saying why the
 * heuristic one was used for a language that has a grammar).
 * `--batch FILE` reads one `{"id", "file", "line", "col"}` object per line and prints one
 * `{"id", "results"}` line per query (an `error` instead of `results` for a bad query),
 * indexing once. Works cold (indexes first) or warm, on any folder.
 */
import { readFileSync } from 'node:fs';
import { openCliEngine, resolveFileInRoot, resolveRoot, splitAtCursor } from '../context/cli-support';
import type { TandemContextEngine } from '../context/engine';
import { languageOfPath } from '../context/languages';
import { UsageError, optionalInt, requireString, type CliCommand } from './command';

interface Query {
  file: string;
  line: number;
  col: number;
}

async function retrieveOne(
  engine: TandemContextEngine,
  root: string,
  q: Query,
  k: number | undefined,
  model: { numCtx: number; outputReserve: number },
): Promise<
  Array<{
    file: string;
    startLine: number;
    endLine: number;
    score: number;
    sources: string[];
    placedBy: string;
    parser?: string;
    parserNote?: string;
  }>
> {
  const path = resolveFileInRoot(root, q.file);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path));
  } catch (err) {
    throw new UsageError(`cannot read ${q.file} as UTF-8 text: ${(err as Error).message}`);
  }
  const { prefix, suffix } = splitAtCursor(text, q.line, q.col);
  const r = await engine.completionCandidates({
    path,
    languageId: languageOfPath(path) ?? 'plaintext',
    prefix,
    suffix,
    line: q.line - 1,
    recentFiles: [],
    numCtx: model.numCtx,
    outputReserve: model.outputReserve,
    k,
  });
  const syntax = engine.rootOf(path)?.syntax;
  return r.chunks.map((c) => {
    const p = syntax?.parserOf(c.file);
    return {
      file: c.file,
      startLine: c.startLine,
      endLine: c.endLine,
      score: Math.round(c.score * 1e6) / 1e6,
      sources: c.sources,
      placedBy: c.placedBy,
      ...(p ? { parser: p.parser } : {}),
      ...(p?.note ? { parserNote: p.note } : {}),
    };
  });
}

export const retrieveCommand: CliCommand = {
  name: 'retrieve',
  summary: 'Print the ranked context chunks a completion at a cursor would use (debugging, evaluation).',
  usage: 'tandemd retrieve --root DIR (--file F --line L [--col C] | --batch FILE) [--k N] [--json]',
  options: {
    root: { type: 'string' },
    file: { type: 'string' },
    line: { type: 'string' },
    col: { type: 'string' },
    k: { type: 'string' },
    batch: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values }, io) {
    const root = resolveRoot(requireString(values, 'root'), io.env);
    const k = optionalInt(values, 'k', 1);
    const batch = typeof values.batch === 'string' ? values.batch : undefined;
    let single: Query | undefined;
    if (!batch) {
      const line = optionalInt(values, 'line', 1);
      if (line === undefined) throw new UsageError('--line is required (or --batch FILE)');
      single = { file: requireString(values, 'file'), line, col: optionalInt(values, 'col', 1) ?? 1 };
      resolveFileInRoot(root, single.file);
    }
    let batchLines: string[] = [];
    if (batch) {
      try {
        batchLines = readFileSync(batch, 'utf8')
          .split('\n')
          .filter((l) => l.trim() !== '');
      } catch (err) {
        throw new UsageError(`cannot read --batch ${batch}: ${(err as Error).message}`);
      }
    }
    const cli = openCliEngine(io, { semantic: true });
    try {
      await cli.engine.indexRoot(root);
      const model = { numCtx: cli.config.tasks.complete.num_ctx, outputReserve: cli.config.tasks.complete.num_predict };
      if (single) {
        const results = await retrieveOne(cli.engine, root, single, k, model);
        if (values.json) io.stdout(`${JSON.stringify(results)}\n`);
        else {
          for (const r of results)
            io.stdout(
              `${r.score.toFixed(4)}  ${r.file}:${r.startLine}-${r.endLine}  [${r.sources.join(', ')}]  placed by ${r.placedBy}${r.parser ? `  (${r.parser})` : ''}\n`,
            );
          if (results.length === 0) io.stdout('(no context chunks)\n');
        }
        return 0;
      }
      let failures = 0;
      for (const raw of batchLines) {
        let id: unknown = null;
        try {
          const q = JSON.parse(raw) as { id?: unknown; file?: unknown; line?: unknown; col?: unknown };
          id = q.id ?? null;
          if (typeof q.file !== 'string' || typeof q.line !== 'number')
            throw new UsageError('each query needs "file" (string) and "line" (number)');
          const results = await retrieveOne(
            cli.engine,
            root,
            { file: q.file, line: q.line, col: typeof q.col === 'number' ? q.col : 1 },
            k,
            model,
          );
          io.stdout(`${JSON.stringify({ id, results })}\n`);
        } catch (err) {
          failures++;
          io.stdout(`${JSON.stringify({ id, error: (err as Error).message })}\n`);
        }
      }
      if (failures > 0) io.stderr(`${failures} of ${batchLines.length} queries failed (see their "error").\n`);
      return failures > 0 ? 1 : 0;
    } finally {
      await cli.close();
    }
  },
};
