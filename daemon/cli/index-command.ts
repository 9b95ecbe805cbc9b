/**
 * `tandemd index --root DIR [--embed] [--json]`: index a folder in-process (no daemon)
 * into the Tandem home and print files, chunks, elapsed time and throughput. Unchanged
 * files of an earlier run are not re-read. `--embed` also computes embeddings (needs the
 * embed model) and waits for them.
 */
import { openCliEngine, resolveRoot } from '../context/cli-support';
import { requireString, type CliCommand } from './command';

export const indexCommand: CliCommand = {
  name: 'index',
  summary: 'Index a folder for retrieval and print files, chunks, elapsed time and throughput.',
  usage: 'tandemd index --root DIR [--embed] [--json]',
  options: { root: { type: 'string' }, embed: { type: 'boolean' }, json: { type: 'boolean' } },
  async run({ values }, io) {
    const root = resolveRoot(requireString(values, 'root'), io.env);
    const cli = openCliEngine(io, { semantic: values.embed === true, backgroundEmbedding: values.embed === true });
    try {
      const started = performance.now();
      const stats = await cli.engine.indexRoot(root);
      if (values.embed) await cli.engine.embeddingsIdle();
      const elapsedMs = Math.round(performance.now() - started);
      const seconds = Math.max(stats.elapsedMs, 1) / 1000;
      const semantic = cli.engine.semanticStatus();
      const report = {
        root,
        files: stats.files,
        chunks: stats.chunks,
        indexed: stats.indexed,
        unchanged: stats.unchanged,
        removed: stats.removed,
        skipped: stats.skipped,
        parsers: stats.parsers,
        analyzedIn: stats.analyzedIn,
        elapsedMs,
        indexMs: stats.elapsedMs,
        filesPerSec: Math.round(stats.scanned / seconds),
        mbPerSec: Math.round((stats.bytes / 1e6 / seconds) * 100) / 100,
        semantic,
      };
      if (values.json) io.stdout(`${JSON.stringify(report)}\n`);
      else {
        const skipped = Object.entries(stats.skipped)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ');
        io.stdout(
          [
            `Indexed ${root}`,
            `  files     ${stats.files} (${stats.indexed} indexed, ${stats.unchanged} unchanged, ${stats.removed} removed)`,
            `  chunks    ${stats.chunks}`,
            `  skipped   ${skipped || 'none'}`,
            `  parsers   ${
              Object.entries(stats.parsers)
                .map(([k, v]) => `${k} ${v}`)
                .join(', ') || 'none'
            }${stats.analyzedIn === 'worker' ? ' (parsed in index workers)' : ''}`,
            `  elapsed   ${(elapsedMs / 1000).toFixed(2)} s (${report.filesPerSec} files/s, ${report.mbPerSec} MB/s of changed files)`,
            `  semantic  ${semantic.active ? 'on' : 'off'}${semantic.reason ? ` — ${semantic.reason}` : ''}`,
            '',
          ].join('\n'),
        );
      }
      return 0;
    } finally {
      await cli.close();
    }
  },
};
