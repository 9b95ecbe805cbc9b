import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../../../../daemon/cli/command';
import { indexCommand } from '../../../../daemon/cli/index-command';
import { retrieveCommand } from '../../../../daemon/cli/retrieve-command';
import { searchCommand } from '../../../../daemon/cli/search-command';
import { copyFixtureRepo, tempDir } from '../context/helpers';

async function run(cmd: CliCommand, argv: string[], home: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  // Port 9 (discard) refuses connections: no model server is needed or reached.
  const io = {
    env: { TANDEM_HOME: home, TANDEM_OLLAMA_URL: 'http://127.0.0.1:9' },
    stdout: (s: string) => (out += s),
    stderr: (s: string) => (err += s),
  };
  const args = parseArgs({ args: argv, options: cmd.options, allowPositionals: cmd.allowPositionals ?? false, strict: true });
  const code = await cmd.run(args, io);
  return { code, out, err };
}

describe('context CLI commands (in-process)', () => {
  let t: ReturnType<typeof tempDir>;
  let root: string;
  let home: string;
  before(() => {
    t = tempDir('cli');
    root = copyFixtureRepo(t.dir);
    home = join(t.dir, 'home');
  });
  after(() => t.cleanup());

  it('index prints files, chunks, elapsed and throughput; a second run re-reads nothing', async () => {
    const first = await run(indexCommand, ['--root', root, '--json'], home);
    assert.equal(first.code, 0);
    const a = JSON.parse(first.out) as Record<string, unknown>;
    assert.equal(a.files, 7);
    assert.equal(a.indexed, 7);
    assert.ok((a.chunks as number) > 10);
    assert.equal(typeof a.filesPerSec, 'number');
    assert.equal(typeof a.mbPerSec, 'number');
    const second = JSON.parse((await run(indexCommand, ['--root', root, '--json'], home)).out) as Record<string, unknown>;
    assert.equal(second.indexed, 0);
    assert.equal(second.unchanged, 7);
    const human = await run(indexCommand, ['--root', root], home);
    assert.match(human.out, /files +7 \(0 indexed, 7 unchanged, 0 removed\)/);
    assert.match(human.out, /semantic +off/);
  });

  it('retrieve --json prints the ranked chunks for a cursor, best first', async () => {
    const r = await run(
      retrieveCommand,
      ['--root', root, '--file', 'src/geometry/shapes.ts', '--line', '21', '--col', '5', '--json'],
      home,
    );
    assert.equal(r.code, 0, r.err);
    const results = JSON.parse(r.out) as Array<{
      file: string;
      startLine: number;
      endLine: number;
      score: number;
      sources: string[];
      placedBy: string;
      parser: string;
    }>;
    assert.ok(results.length > 0);
    assert.deepEqual(Object.keys(results[0]), ['file', 'startLine', 'endLine', 'score', 'sources', 'placedBy', 'parser']);
    // What placed each chunk: a placement signal, or else one of its own sources.
    const placements = ['unused-import', 'same-package', 'receiver-member', 'namespace-member'];
    for (const x of results) assert.ok(placements.includes(x.placedBy) || x.sources.includes(x.placedBy), JSON.stringify(x));
    // Which parser chunked each file: tree-sitter for TypeScript and Python, the heuristic one for the rest.
    const expected = (f: string) => (f.endsWith('.ts') ? 'tree-sitter:typescript' : f.endsWith('.py') ? 'tree-sitter:python' : 'heuristic');
    for (const x of results) assert.equal(x.parser, expected(x.file), JSON.stringify(x));
    for (let i = 1; i < results.length; i++) assert.ok(results[i - 1].score >= results[i].score);
    assert.ok(results.some((x) => x.file === 'src/math/vector.ts'));
    const k1 = JSON.parse(
      (await run(retrieveCommand, ['--root', root, '--file', 'src/geometry/shapes.ts', '--line', '21', '--k', '1', '--json'], home)).out,
    ) as unknown[];
    assert.equal(k1.length, 1);
  });

  it('retrieve --batch answers one line per query, with errors per query', async () => {
    const batch = join(t.dir, 'queries.jsonl');
    writeFileSync(
      batch,
      [
        JSON.stringify({ id: 'q1', file: 'src/app.ts', line: 6, col: 3 }),
        JSON.stringify({ id: 'q2', file: '../outside.ts', line: 1, col: 1 }),
        JSON.stringify({ id: 3, file: 'py/inventory.py', line: 15 }),
      ].join('\n') + '\n',
    );
    const r = await run(retrieveCommand, ['--root', root, '--batch', batch, '--json'], home);
    assert.equal(r.code, 1);
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: unknown; results?: unknown[]; error?: string });
    assert.deepEqual(
      lines.map((l) => l.id),
      ['q1', 'q2', 3],
    );
    assert.ok(Array.isArray(lines[0].results));
    assert.match(lines[1].error!, /does not exist|outside/);
    assert.ok(Array.isArray(lines[2].results));
  });

  it('retrieve refuses files outside the root, through .. or a symlink', async () => {
    writeFileSync(join(t.dir, 'outside.ts'), 'export const x = 1;\n');
    symlinkSync(join(t.dir, 'outside.ts'), join(root, 'link.ts'));
    await assert.rejects(
      run(retrieveCommand, ['--root', root, '--file', '../outside.ts', '--line', '1', '--json'], home),
      /outside the root/,
    );
    await assert.rejects(run(retrieveCommand, ['--root', root, '--file', 'link.ts', '--line', '1', '--json'], home), /outside the root/);
    await assert.rejects(
      run(retrieveCommand, ['--root', root, '--file', 'src/app.ts', '--line', '999', '--json'], home),
      /outside the file/,
    );
  });

  it('search prints hits with their symbols', async () => {
    const r = await run(searchCommand, ['parse http header', '--root', root, '--k', '2'], home);
    assert.equal(r.code, 0);
    assert.match(r.out.split('\n')[0], /src\/util\/strings\.ts:6-11 .*parseHttpHeader/);
    const json = JSON.parse((await run(searchCommand, ['Matrix2', '--root', root, '--json'], home)).out) as {
      hits: Array<{ file: string }>;
    };
    assert.equal(json.hits[0].file, 'src/math/matrix.ts');
    await assert.rejects(run(searchCommand, ['--root', root], home), /search text is required/);
  });
});
