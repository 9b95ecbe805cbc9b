/**
 * The VSIX holds the bundles and only the run-time files of the daemon's native/wasm
 * externals (`daemonExternals` in esbuild.config.mjs), and those files are enough:
 * the externals load and work from an extracted copy of the VSIX alone.
 *
 * Builds the VSIX with `npm run package` when it is missing or older than its
 * sources (about a minute); `TANDEM_SKIP_PACKAGE_TEST=1` skips the suite.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureVsix, extractVsix, listVsix, readVsixEntry, repoRoot, vsixTarget, type VsixEntry } from '../e2e/vsix';

/** node_modules packages the VSIX may contain: the externals and their run-time deps. */
const allowedPackages = [
  'better-sqlite3',
  'bindings',
  'file-uri-to-path',
  '@lancedb/lancedb',
  '@opentelemetry/api',
  'reflect-metadata',
  'apache-arrow',
  'flatbuffers',
  'tslib',
  'tiktoken',
  'web-tree-sitter',
  '@vscode/tree-sitter-wasm',
];

/** The LanceDB package with the native addon for a VS Code target, as npm names it. */
function lancedbPlatformPackage(target: string): string {
  const [os, arch] = target.split('-') as [string, string];
  const suffix = os === 'linux' ? 'gnu' : os === 'alpine' ? 'musl' : os === 'win32' ? 'msvc' : '';
  const platform = os === 'alpine' ? 'linux' : os;
  return `@lancedb/lancedb-${platform}-${arch}${suffix ? `-${suffix}` : ''}`;
}

function packageOf(entry: string): string | undefined {
  const m = /^extension\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(entry);
  return m?.[1];
}

function run(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((done, fail) => {
    execFile(cmd, args, { cwd, env: { PATH: process.env.PATH ?? '' }, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) fail(new Error(`${err.message}\n${stderr}`));
      else done(stdout);
    });
  });
}

describe('packaging: the VSIX', function () {
  this.timeout(10 * 60_000);
  const target = vsixTarget();
  let vsix: string;
  let entries: VsixEntry[];
  let names: Set<string>;

  before(async function () {
    if (process.env.TANDEM_SKIP_PACKAGE_TEST === '1') {
      console.warn('\n  !!! packaging test SKIPPED (TANDEM_SKIP_PACKAGE_TEST=1): the VSIX contents are not checked !!!\n');
      this.skip();
    }
    vsix = await ensureVsix({ logFile: join(repoRoot, 'test-results', 'package.log'), timeoutMs: 8 * 60_000 });
    entries = await listVsix(vsix);
    names = new Set(entries.map((e) => e.name));
  });

  it('is named tandem-<version>-<target>.vsix and declares its target platform', async function () {
    assert.match(vsix, new RegExp(`tandem-\\d+\\.\\d+\\.\\d+(-[\\w.]+)?-${target}\\.vsix$`));
    assert.ok(names.has('extension.vsixmanifest'));
    const manifest = await readVsixEntry(vsix, 'extension.vsixmanifest');
    assert.match(manifest, new RegExp(`TargetPlatform="${target}"`));
  });

  it('contains the manifest, the license and the bundles', function () {
    for (const f of ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/daemon.js']) {
      assert.ok(names.has(f), `${f} missing`);
    }
    assert.ok(
      [...names].some((n) => /^extension\/LICENSE(\.txt|\.md)?$/.test(n)),
      'LICENSE missing',
    );
  });

  it("contains the daemon's native and wasm modules with their run-time files", function () {
    const required = [
      'extension/node_modules/better-sqlite3/package.json',
      'extension/node_modules/better-sqlite3/lib/index.js',
      'extension/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'extension/node_modules/bindings/bindings.js',
      'extension/node_modules/file-uri-to-path/index.js',
      'extension/node_modules/@lancedb/lancedb/package.json',
      'extension/node_modules/@lancedb/lancedb/dist/index.js',
      `extension/node_modules/${lancedbPlatformPackage(target)}/package.json`,
      'extension/node_modules/apache-arrow/package.json',
      'extension/node_modules/apache-arrow/Arrow.node.js',
      'extension/node_modules/flatbuffers/js/flatbuffers.js',
      'extension/node_modules/tiktoken/package.json',
      'extension/node_modules/tiktoken/tiktoken.cjs',
      'extension/node_modules/tiktoken/tiktoken_bg.wasm',
    ];
    for (const f of required) assert.ok(names.has(f), `${f} missing`);
    const lancedbNative = [...names].filter(
      (n) => n.startsWith(`extension/node_modules/${lancedbPlatformPackage(target)}/`) && n.endsWith('.node'),
    );
    assert.equal(lancedbNative.length, 1, `one LanceDB addon for ${target}, found ${lancedbNative.join(', ') || 'none'}`);
  });

  it('contains no other package, and no source, tests, source maps or build leftovers', function () {
    const packages = new Set([...names].map(packageOf).filter((p): p is string => p !== undefined));
    const unexpected = [...packages].filter((p) => !allowedPackages.includes(p) && p !== lancedbPlatformPackage(target));
    assert.deepEqual(unexpected, [], `packages that should not be in the VSIX: ${unexpected.join(', ')}`);

    const forbidden: Array<[RegExp, string]> = [
      [
        /^extension\/(extension|daemon|protocol|webview-ui|test|bench|docs|scripts|\.ci|\.e2e-cache|test-results)\//,
        'project source, tests or caches',
      ],
      [/^extension\/dist\/meta\//, 'esbuild metafiles'],
      [/\.(ts|mts|cts|map)$/, 'TypeScript sources, declarations or source maps'],
      [
        /^extension\/(tsconfig\.json|esbuild\.config\.mjs|eslint\.config\.mjs|package-lock\.json|\.vscodeignore|\.mocharc\.json|\.gitignore)$/,
        'project config',
      ],
      [/\.vsix$/, 'a VSIX inside the VSIX'],
      [/better-sqlite3\/(src|deps)\//, "better-sqlite3's C sources"],
      [/better-sqlite3\/build\/Release\/(obj|obj\.target)\//, 'native build objects'],
      [/better-sqlite3\/build\/Release\/(test_extension\.node|sqlite3\.a)$/, 'native build leftovers'],
      [/tiktoken\/(encoders|lite)\//, "tiktoken's lite build and raw encoder files (the full wasm embeds the ranks)"],
      [/apache-arrow\/(src|bin)\//, "apache-arrow's sources and CLI"],
      [/\.mjs$/, 'ES module duplicates of the CommonJS builds the daemon loads'],
    ];
    for (const [pattern, what] of forbidden) {
      const hits = [...names].filter((n) => pattern.test(n));
      assert.deepEqual(hits.slice(0, 5), [], `${what} in the VSIX`);
    }
  });

  it('holds under 15 MB besides the native addons and the wasm', function () {
    const total = entries.reduce((sum, e) => sum + e.size, 0);
    const natives = entries.filter((e) => /\.(node|wasm)$/.test(e.name)).reduce((sum, e) => sum + e.size, 0);
    const rest = total - natives;
    assert.ok(rest < 15 * 1024 * 1024, `non-binary files take ${(rest / 1048576).toFixed(1)} MB`);
  });

  it("loads and uses the daemon's externals from the extracted VSIX alone", async function () {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-vsix-'));
    try {
      await extractVsix(vsix, dir);
      // A script inside the extracted dist/ resolves modules exactly as dist/daemon.js does.
      const probe = join(dir, 'dist', 'externals-probe.cjs');
      writeFileSync(
        probe,
        `
const { mkdtempSync } = require('node:fs');
const { join } = require('node:path');
(async () => {
  const Database = require('better-sqlite3');
  const db = new Database(':memory:');
  db.exec("CREATE VIRTUAL TABLE chunks USING fts5(body)");
  db.prepare('INSERT INTO chunks(body) VALUES (?)').run('function parseConfig(path)');
  const hits = db.prepare("SELECT bm25(chunks) AS score FROM chunks WHERE chunks MATCH 'parseConfig'").all();
  db.close();
  const { get_encoding } = require('tiktoken');
  const enc = get_encoding('cl100k_base');
  const tokens = enc.encode('hello world').length;
  enc.free();
  const arrow = require('apache-arrow');
  const table = arrow.tableFromArrays({ x: Float32Array.from([1, 2]) });
  const lancedb = require('@lancedb/lancedb');
  const conn = await lancedb.connect(mkdtempSync(join(require('node:os').tmpdir(), 'tandem-lance-')));
  const t = await conn.createTable('v', [{ id: 1, vector: [0.1, 0.2] }, { id: 2, vector: [0.9, 0.8] }]);
  const near = await t.vectorSearch([0.1, 0.2]).limit(1).toArray();
  // tree-sitter: the runtime as the daemon loads it (import()), and a grammar from the package.
  const ts = await import('web-tree-sitter');
  const { dirname } = require('node:path');
  await ts.Parser.init({ locateFile: (f) => join(dirname(require.resolve('web-tree-sitter/tree-sitter.wasm')), f) });
  const grammars = join(dirname(require.resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm');
  const parser = new ts.Parser();
  parser.setLanguage(await ts.Language.load(join(grammars, 'tree-sitter-go.wasm')));
  const tree = parser.parse('package a\\nfunc A() {}\\n').rootNode.toString();
  const loaded = Object.keys(require.cache).filter((f) => !f.startsWith(join(__dirname, '..')));
  console.log(JSON.stringify({ fts: hits.length, tokens, rows: table.numRows, nearest: near[0].id, tree, outside: loaded }));
})().catch((e) => { console.error(e); process.exit(1); });
`,
      );
      const out = JSON.parse(await run(process.execPath, [probe], dir)) as {
        fts: number;
        tokens: number;
        rows: number;
        nearest: number;
        tree: string;
        outside: string[];
      };
      assert.deepEqual(out, {
        fts: 1,
        tokens: 2,
        rows: 2,
        nearest: 1,
        tree: '(source_file (package_clause (package_identifier)) (function_declaration name: (identifier) parameters: (parameter_list) body: (block)))',
        outside: [],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts the packaged daemon from the extracted VSIX: it serves, answers status and stops', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-vsix-daemon-'));
    const env = { PATH: process.env.PATH ?? '', TANDEM_HOME: join(dir, 'home'), TANDEM_OLLAMA_URL: 'http://127.0.0.1:9' };
    const daemonJs = join(dir, 'dist', 'daemon.js');
    const tandemd = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
        execFile(process.execPath, [daemonJs, ...args], { cwd: dir, env, timeout: 30_000 }, (err, stdout, stderr) => {
          done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
        });
      });
    let server: ReturnType<typeof spawn> | undefined;
    try {
      await extractVsix(vsix, dir);
      server = spawn(process.execPath, [daemonJs, 'serve'], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      server.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      const deadline = Date.now() + 30_000;
      let status: { running?: boolean; pid?: number } = {};
      while (Date.now() < deadline) {
        if (server.exitCode !== null) assert.fail(`tandemd serve exited with ${server.exitCode}: ${stderr}`);
        const r = await tandemd(['status', '--json']);
        try {
          status = JSON.parse(r.stdout) as typeof status;
        } catch {
          assert.fail(`tandemd status --json printed no JSON: ${r.stdout}${r.stderr}`);
        }
        if (status.running) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(status.running, true, `tandemd from the VSIX never answered status: ${stderr}`);
      assert.equal(status.pid, server.pid);
      const stop = await tandemd(['stop']);
      assert.equal(stop.code, 0, `tandemd stop: ${stop.stdout}${stop.stderr}`);
      const exited =
        server.exitCode !== null ? server.exitCode : await new Promise<number | null>((r) => server!.once('exit', (c) => r(c)));
      assert.equal(exited, 0);
    } finally {
      if (server && server.exitCode === null) server.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
