/**
 * `tandemd search "text" --root DIR [--k N] [--json]`: quick lexical (and, when vectors
 * and the embed model are available, semantic) search of a folder's index.
 */
import { openCliEngine, resolveRoot } from '../context/cli-support';
import { UsageError, optionalInt, requireString, type CliCommand } from './command';

export const searchCommand: CliCommand = {
  name: 'search',
  summary: "Search a folder's index (BM25 over split identifiers, plus vectors when available).",
  usage: 'tandemd search "text" --root DIR [--k N] [--json]',
  options: { root: { type: 'string' }, k: { type: 'string' }, json: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const query = positionals.join(' ').trim();
    if (query === '') throw new UsageError('the search text is required');
    const root = resolveRoot(requireString(values, 'root'), io.env);
    const k = optionalInt(values, 'k', 1) ?? 10;
    const cli = openCliEngine(io, { semantic: true });
    try {
      await cli.engine.indexRoot(root);
      const { hits, semantic } = await cli.engine.search({ query, root, k });
      if (values.json) io.stdout(`${JSON.stringify({ hits, semantic })}\n`);
      else {
        for (const h of hits) {
          io.stdout(
            `${h.score.toFixed(4)}  ${h.file}:${h.startLine}-${h.endLine}  [${h.sources.join(', ')}]${h.symbols.length ? `  ${h.symbols.slice(0, 5).join(', ')}` : ''}\n`,
          );
        }
        if (hits.length === 0) io.stdout('(no matches)\n');
        if (!semantic.active) io.stderr(`semantic search off: ${semantic.reason ?? 'unavailable'}\n`);
      }
      return 0;
    } finally {
      await cli.close();
    }
  },
};
