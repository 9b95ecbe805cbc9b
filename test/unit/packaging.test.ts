/**
 * The VSIX holds the bundles, the runtime tandemd runs on (runtime/: Node.js from the npm
 * registry's per-platform package, with better-sqlite3 built for exactly it) and only the
 * run-time files of the daemon's native/wasm externals (`daemonExternals` in
 * esbuild.config.mjs), and those files are enough: extracted, the daemon starts the way
 * the extension starts it, whatever `node` is on PATH (none, or another major), stores
 * and reads SQLite, runs FTS5 and LanceDB, and stops; its `index` command parses with
 * tree-sitter in the index workers (dist/index-worker.js). A Node of another major given
 * explicitly is named as the cause.
 *
 * Builds the VSIX with `npm run package` when it is missing or older than its sources
 * (about a minute; three more the first time, to fetch the runtime and compile the
 * addon), and fetches a Node of another major (OTHER_NODE_VERSION, test/e2e/vsix.ts) from
 * the npm registry's Node packages into .runtime-cache/. `TANDEM_SKIP_PACKAGE_TEST=1` skips it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { tmpdir } from 'node:os';
import { createDaemonLauncher } from '../../extension/connection/daemon-launcher';
import type { ExitInfo } from '../../extension/connection/daemon-manager';
import { DAEMON_MALLOC_ENV, DAEMON_V8_FLAGS, daemonLogFile } from '../../extension/connection/daemon-process';
import type { Logger } from '../../extension/log';
import { connectToDaemon } from '../../protocol/client';
import {
  ContextSearchRequest,
  EventsReportRequest,
  ShutdownRequest,
  StatsGetRequest,
  WorkspaceRegisterRequest,
  type DoctorReport,
} from '../../protocol';
import { bundledNodePath, readRuntimeManifest, type RuntimeManifest } from '../../protocol/runtime';
import { BUNDLED_NODE_VERSION, nodePackageName } from '../../scripts/runtime/node-release';
import { FakeOllama } from '../fake-ollama';
import { tandemDefaultModels } from '../fake-ollama/script';
import {
  ensureVsix,
  extractVsix,
  listVsix,
  OTHER_NODE_VERSION,
  otherMajorNode,
  readVsixEntry,
  repoRoot,
  vsixTarget,
  type VsixEntry,
} from '../e2e/vsix';

/** The most the VSIX may weigh (decimal MB, as scripts/package-vsix.ts enforces). */
const MAX_VSIX_BYTES = 120_000_000;

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

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '' }): Promise<string> {
  return new Promise((done, fail) => {
    execFile(cmd, args, { cwd, env, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) fail(new Error(`${err.message}\n${stderr}`));
      else done(stdout);
    });
  });
}

/** Runs and resolves to the exit code and output, whatever the code. */
function runAny(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd, env, timeout: 120_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

/** Where `node` resolves on a PATH (undefined: nowhere). */
function whichNode(path: string): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, process.platform === 'win32' ? 'node.exe' : 'node');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** This machine's PATH without any folder that has a `node`. */
function pathWithoutNode(): string {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter((d) => d && !whichNode(d));
  return dirs.length > 0 ? dirs.join(delimiter) : join(tmpdir(), 'tandem-no-node');
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const add = (level: string) => (m: string) => void lines.push(`${level} ${m}`);
  return { lines, trace: add('trace'), debug: add('debug'), info: add('info'), warn: add('warn'), error: add('error') };
}

function readLockFile(home: string): { pid: number; port: number; token: string } | undefined {
  try {
    const lock = JSON.parse(readFileSync(join(home, 'daemon.lock'), 'utf8')) as { pid: number; port: number; token: string };
    return lock.port > 0 ? lock : undefined;
  } catch {
    return undefined;
  }
}

describe('packaging: the VSIX', function () {
  this.timeout(10 * 60_000);
  const target = vsixTarget();
  let vsix: string;
  let entries: VsixEntry[];
  let names: Set<string>;
  /** The VSIX extracted once, as VS Code installs it (modes kept); tests that write use their own TANDEM_HOME. */
  let extracted: string;
  let scratch: string;
  let otherNode: string;
  let fake: FakeOllama;

  before(async function () {
    if (process.env.TANDEM_SKIP_PACKAGE_TEST === '1') {
      console.warn('\n  !!! packaging test SKIPPED (TANDEM_SKIP_PACKAGE_TEST=1): the VSIX contents are not checked !!!\n');
      this.skip();
    }
    this.timeout(20 * 60_000);
    vsix = await ensureVsix({ logFile: join(repoRoot, 'test-results', 'package.log'), timeoutMs: 12 * 60_000 });
    entries = await listVsix(vsix);
    names = new Set(entries.map((e) => e.name));
    scratch = mkdtempSync(join(tmpdir(), 'tandem-vsix-'));
    extracted = join(scratch, 'extension');
    await extractVsix(vsix, extracted);
    otherNode = await otherMajorNode();
    fake = new FakeOllama({
      models: tandemDefaultModels(),
      loaded: tandemDefaultModels().map((m) => m.name),
      defaultReply: { chunks: ['x'] },
    });
    await fake.start();
  });

  after(async () => {
    await fake?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('is named tandem-<version>-<target>.vsix and declares its target platform', async function () {
    assert.match(vsix, new RegExp(`tandem-\\d+\\.\\d+\\.\\d+(-[\\w.]+)?-${target}\\.vsix$`));
    assert.ok(names.has('extension.vsixmanifest'));
    const manifest = await readVsixEntry(vsix, 'extension.vsixmanifest');
    assert.match(manifest, new RegExp(`TargetPlatform="${target}"`));
  });

  it('contains the manifest, the license and the bundles', function () {
    for (const f of [
      'extension/package.json',
      'extension/dist/extension.js',
      'extension/dist/daemon.js',
      'extension/dist/index-worker.js',
      'extension/dist/lexical-worker.js',
    ]) {
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
      'extension/node_modules/tiktoken/lite/tiktoken.cjs',
      'extension/node_modules/tiktoken/lite/tiktoken_bg.wasm',
      'extension/node_modules/tiktoken/encoders/cl100k_base.json',
      'extension/node_modules/tiktoken/encoders/o200k_base.json',
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
      [
        /tiktoken\/(tiktoken_bg\.wasm|tiktoken\.cjs|encoders\/(?!(cl100k_base|o200k_base)\.json$).*)$/,
        "tiktoken's full build (its wasm embeds every encoding's ranks) or rank files of encodings the daemon cannot use",
      ],
      [/apache-arrow\/(src|bin)\//, "apache-arrow's sources and CLI"],
      [/\.mjs$/, 'ES module duplicates of the CommonJS builds the daemon loads'],
    ];
    for (const [pattern, what] of forbidden) {
      const hits = [...names].filter((n) => pattern.test(n));
      assert.deepEqual(hits.slice(0, 5), [], `${what} in the VSIX`);
    }
  });

  it('carries the runtime: the pinned Node.js (executable), its license and runtime.json', function () {
    const node = entries.find((e) => e.name === `extension/runtime/bin/${process.platform === 'win32' ? 'node.exe' : 'node'}`);
    assert.ok(node, 'runtime/bin/node missing');
    if (process.platform !== 'win32')
      assert.equal(node.mode & 0o111, 0o111, `runtime/bin/node is not executable (mode ${node.mode.toString(8)})`);
    assert.ok(names.has('extension/runtime/LICENSE'), "Node.js's license missing");
    const manifest = readRuntimeManifest(extracted) as RuntimeManifest;
    assert.equal(manifest.node, BUNDLED_NODE_VERSION);
    assert.equal(manifest.package, `${nodePackageName(target)}@${BUNDLED_NODE_VERSION}`);
    assert.equal(manifest.target, target);
    assert.match(manifest.integrity, /^sha512-/);
    const sqlite = JSON.parse(readFileSync(join(repoRoot, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')) as {
      version: string;
    };
    assert.equal(manifest.betterSqlite3, sqlite.version);
  });

  it("the bundled runtime is that release and loads the VSIX's better-sqlite3 addon (built for its ABI, not the developer's)", async function () {
    const addon = join(extracted, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    const manifest = readRuntimeManifest(extracted) as RuntimeManifest;
    const out = JSON.parse(
      await run(
        bundledNodePath(extracted),
        [
          '-e',
          `const m = { exports: {} }; process.dlopen(m, ${JSON.stringify(addon)}); console.log(JSON.stringify({ node: process.versions.node, modules: process.versions.modules }))`,
        ],
        extracted,
        { PATH: pathWithoutNode() },
      ),
    ) as { node: string; modules: string };
    assert.deepEqual(out, { node: BUNDLED_NODE_VERSION, modules: manifest.modules });
    if (process.versions.modules !== manifest.modules) {
      // The developer's Node (this test's) cannot load it: the VSIX's copy is its own build.
      assert.throws(() => process.dlopen({ exports: {} } as NodeJS.Module, addon), /NODE_MODULE_VERSION/);
    }
  });

  it('holds under 15 MB besides the native binaries (runtime, addons, wasm)', function () {
    const total = entries.reduce((sum, e) => sum + e.size, 0);
    const natives = entries
      .filter((e) => /\.(node|wasm)$/.test(e.name) || /^extension\/runtime\/bin\//.test(e.name))
      .reduce((sum, e) => sum + e.size, 0);
    const rest = total - natives;
    assert.ok(rest < 15 * 1024 * 1024, `non-binary files take ${(rest / 1048576).toFixed(1)} MB`);
  });

  it('stays installable: the VSIX weighs under 120 MB (its size is printed)', function () {
    const size = statSync(vsix).size;
    const part = (pattern: RegExp) => entries.filter((e) => pattern.test(e.name)).reduce((sum, e) => sum + e.compressedSize, 0);
    const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
    console.log(
      `      VSIX ${mb(size)} (limit ${mb(MAX_VSIX_BYTES)}): runtime ${mb(part(/^extension\/runtime\//))}, LanceDB addon ${mb(part(/lancedb-.*\.node$/))}, better-sqlite3 addon ${mb(part(/better_sqlite3\.node$/))}, the rest ${mb(size - part(/^extension\/runtime\/|\.node$/))}`,
    );
    assert.ok(size < MAX_VSIX_BYTES, `the VSIX is ${mb(size)}`);
  });

  it("loads and uses the daemon's externals from the extracted VSIX alone, on the bundled runtime", async function () {
    // A script inside the extracted dist/ resolves modules exactly as dist/daemon.js does.
    const probe = join(extracted, 'dist', 'externals-probe.cjs');
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
  // As daemon/context/budget.ts loads it: the lite build and the two rank files it may read.
  const { Tiktoken } = require('tiktoken/lite');
  let tokens = 0;
  for (const name of ['cl100k_base', 'o200k_base']) {
    const r = JSON.parse(require('node:fs').readFileSync(require.resolve('tiktoken/encoders/' + name + '.json'), 'utf8'));
    const enc = new Tiktoken(r.bpe_ranks, r.special_tokens, r.pat_str);
    tokens += enc.encode('hello world').length;
    enc.free();
  }
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
  console.log(JSON.stringify({ node: process.versions.node, fts: hits.length, tokens, rows: table.numRows, nearest: near[0].id, tree, outside: loaded }));
})().catch((e) => { console.error(e); process.exit(1); });
`,
    );
    try {
      const out = JSON.parse(await run(bundledNodePath(extracted), [probe], extracted, { PATH: pathWithoutNode() })) as Record<
        string,
        unknown
      >;
      assert.deepEqual(out, {
        node: BUNDLED_NODE_VERSION,
        fts: 1,
        tokens: 4,
        rows: 2,
        nearest: 1,
        tree: '(source_file (package_clause (package_identifier)) (function_declaration name: (identifier) parameters: (parameter_list) body: (block)))',
        outside: [],
      });
    } finally {
      rmSync(probe, { force: true });
    }
  });

  it('indexes a workspace with the extracted daemon on the bundled runtime, parsing with tree-sitter in its index workers', async function () {
    this.timeout(2 * 60_000);
    const home = mkdtempSync(join(scratch, 'home-'));
    const workspace = mkdtempSync(join(scratch, 'workspace-'));
    for (let i = 0; i < 40; i++) {
      writeFileSync(join(workspace, `m${i}.ts`), `export function f${i}(x: number): number {\n  return x + ${i};\n}\n`);
    }
    const out = await run(
      bundledNodePath(extracted),
      [join(extracted, 'dist', 'daemon.js'), 'index', '--root', workspace, '--json'],
      extracted,
      {
        PATH: pathWithoutNode(),
        HOME: home,
        TANDEM_HOME: home,
      },
    );
    const report = JSON.parse(out) as { files: number; parsers: Record<string, number>; analyzedIn?: string };
    assert.equal(report.files, 40, out);
    assert.deepEqual(report.parsers, { 'tree-sitter:typescript': 40 }, out);
    assert.equal(report.analyzedIn, 'worker', out);
  });

  const pathVariants: Array<{ name: string; path: () => string; nodeOptions?: string }> = [
    { name: 'no node at all on PATH', path: pathWithoutNode },
    {
      name: `Node ${OTHER_NODE_VERSION} first on PATH (and a NODE_OPTIONS only that Node would take)`,
      path: () => [join(otherNode, '..'), process.env.PATH ?? ''].join(delimiter),
      // A flag no Node knows: were the user's NODE_OPTIONS passed on, the bundled runtime would refuse to start.
      nodeOptions: '--tandem-not-a-node-flag',
    },
  ];

  for (const variant of pathVariants) {
    it(`starts the extracted daemon the way the extension does with ${variant.name}: stores and reads SQLite, runs FTS5 and LanceDB, stops`, async function () {
      this.timeout(3 * 60_000);
      const path = variant.path();
      if (variant.nodeOptions === undefined) assert.equal(whichNode(path), undefined, `node is still on ${path}`);
      else assert.equal(whichNode(path), otherNode);
      const home = mkdtempSync(join(scratch, 'home-'));
      const workspace = mkdtempSync(join(scratch, 'workspace-'));
      writeFileSync(
        join(workspace, 'config.ts'),
        'export function parseConfig(path: string): Record<string, string> {\n  return JSON.parse(readConfigFile(path));\n}\n',
      );
      writeFileSync(
        join(workspace, 'table.ts'),
        'export function renderTable(rows: string[][]): string {\n  return rows.map((r) => r.join(" | ")).join("\\n");\n}\n',
      );
      const logger = recordingLogger();
      const env: NodeJS.ProcessEnv = {
        PATH: path,
        HOME: home,
        TANDEM_OLLAMA_URL: fake.url,
        ...(variant.nodeOptions ? { NODE_OPTIONS: variant.nodeOptions } : {}),
      };
      const launcher = createDaemonLauncher({ extensionRoot: extracted, home, nodePath: () => '', logger, env });
      const started = await launcher.start();
      let exit: ExitInfo | undefined;
      void started.exited.then((e) => (exit = e));
      try {
        assert.equal(launcher.runtime?.source, 'bundled');
        assert.equal(launcher.runtime?.command, bundledNodePath(extracted));
        const lock = await until(
          'the daemon to publish its lock',
          async () => {
            if (exit) throw new Error(`tandemd exited (${JSON.stringify(exit)}): ${await launcher.explainExit(exit)}`);
            return readLockFile(home);
          },
          30_000,
        );
        assert.equal(lock.pid, started.pid);
        if (process.platform === 'linux') {
          assert.equal(
            realpathSync(`/proc/${lock.pid}/exe`),
            realpathSync(bundledNodePath(extracted)),
            'tandemd runs on the bundled runtime',
          );
          const childEnv = readFileSync(`/proc/${lock.pid}/environ`, 'utf8').split('\0');
          assert.ok(childEnv.includes(`PATH=${path}`), 'tandemd inherits the PATH it was started with');
          assert.ok(!childEnv.some((e) => e.startsWith('NODE_OPTIONS=')), "the user's NODE_OPTIONS stay with their own Node");
          for (const [k, v] of Object.entries(DAEMON_MALLOC_ENV)) assert.ok(childEnv.includes(`${k}=${v}`), `tandemd runs with ${k}=${v}`);
          const argv = readFileSync(`/proc/${lock.pid}/cmdline`, 'utf8').split('\0');
          for (const flag of DAEMON_V8_FLAGS)
            assert.ok(argv.includes(flag), `the bundled runtime runs tandemd with ${flag}: ${argv.join(' ')}`);
        }
        const conn = await connectToDaemon({
          port: lock.port,
          token: lock.token,
          client: { name: 'packaging-test', version: '0' },
          workspaceRoots: [workspace],
        });
        try {
          // As the extension does on every connect.
          await conn.connection.sendRequest(WorkspaceRegisterRequest.type, { roots: [workspace] });
          // SQLite: write events, read them back as statistics.
          const meta = { at: Date.now(), model: 'qwen2.5-coder:1.5b-base', backend: 'local', languageId: 'typescript' };
          const stored = await conn.connection.sendRequest(EventsReportRequest.type, {
            events: [
              { kind: 'shown', completionId: 'c1', ...meta, firstTokenMs: 10, totalMs: 20, lines: 1, chars: 5 },
              { kind: 'accepted', completionId: 'c1', ...meta, lines: 1, chars: 5 },
            ],
          });
          assert.equal(stored.stored, 2);
          const stats = await conn.connection.sendRequest(StatsGetRequest.type, {});
          assert.equal(stats.total.shown, 1);
          assert.equal(stats.total.accepted, 1);
          // FTS5 (BM25) and LanceDB (vectors from the fake's embed model) over the indexed workspace.
          const found = await until(
            'lexical and semantic hits for parseConfig',
            async () => {
              const r = await conn.connection.sendRequest(ContextSearchRequest.type, { query: 'parseConfig', root: workspace, k: 5 });
              const top = r.hits[0];
              const ok =
                r.semantic.active &&
                top?.file === 'config.ts' &&
                r.hits.some((h) => h.sources.includes('bm25')) &&
                r.hits.some((h) => h.sources.includes('vector'));
              if (!ok) throw new Error(`not yet: ${JSON.stringify(r).slice(0, 1500)}`);
              return r;
            },
            90_000,
          );
          assert.ok(found.hits[0]!.sources.includes('bm25'), JSON.stringify(found.hits[0]));
          assert.ok(existsSync(join(home, 'tandem.db')), 'the user database is on disk');
          assert.ok(readdirSync(join(home, 'index')).length > 0, 'a workspace index is on disk');
          await conn.connection.sendRequest(ShutdownRequest.type);
        } finally {
          conn.close();
        }
        const exited = await until('tandemd to exit', () => exit, 30_000);
        assert.deepEqual(exited, { code: 0, signal: null });
        // The searches above started the search thread (dist/lexical-worker.js, its own SQLite connection on the bundled runtime).
        const daemonLog = readFileSync(daemonLogFile(home), 'utf8');
        assert.ok(!daemonLog.includes("BM25 search runs on the daemon's thread"), daemonLog.slice(-3000));
        assert.ok(
          logger.lines.some((l) => l.includes(`starting tandemd: ${bundledNodePath(extracted)} (bundled, v${BUNDLED_NODE_VERSION})`)),
          logger.lines.join('\n'),
        );
      } finally {
        if (!exit && started.pid) process.kill(started.pid, 'SIGKILL');
      }
    });
  }

  it(`names the real cause when tandem.daemon.nodePath is Node ${OTHER_NODE_VERSION}: at start and in the doctor`, async function () {
    this.timeout(2 * 60_000);
    const home = mkdtempSync(join(scratch, 'home-'));
    const logger = recordingLogger();
    const env: NodeJS.ProcessEnv = { PATH: pathWithoutNode(), HOME: home, TANDEM_OLLAMA_URL: fake.url };
    const launcher = createDaemonLauncher({ extensionRoot: extracted, home, nodePath: () => otherNode, logger, env });
    const started = await launcher.start();
    assert.equal(launcher.runtime?.source, 'setting');
    assert.ok(
      logger.lines.some((l) => l.startsWith('warn ') && l.includes(`built for its bundled Node ${BUNDLED_NODE_VERSION}`)),
      logger.lines.join('\n'),
    );
    const exit = await started.exited;
    assert.equal(exit.code, 1);
    const message = await launcher.explainExit(exit);
    const manifest = readRuntimeManifest(extracted) as RuntimeManifest;
    assert.match(message, new RegExp(`built for another Node\\.js ABI \\(NODE_MODULE_VERSION ${manifest.modules}, i\\.e\\. Node 24\\)`));
    assert.match(
      message,
      new RegExp(`runs on ${otherNode.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(Node v${OTHER_NODE_VERSION.replace(/\./g, '\\.')}`),
    );
    assert.match(message, /clear the "tandem\.daemon\.nodePath" setting/);
    assert.doesNotMatch(message, /writable/);

    const doctor = await runAny(otherNode, [join(extracted, 'dist', 'daemon.js'), 'doctor', '--json'], extracted, {
      ...env,
      TANDEM_HOME: home,
    });
    const report = JSON.parse(doctor.stdout) as DoctorReport;
    const storage = report.checks.find((c) => c.id === 'storage.open');
    assert.equal(storage?.status, 'error', doctor.stdout);
    assert.equal(storage?.title, "SQLite's native module does not load");
    assert.match(storage?.detail ?? '', /NODE_MODULE_VERSION/);
    assert.match(storage?.fix ?? '', new RegExp(`comes with Tandem \\(Node ${BUNDLED_NODE_VERSION.replace(/\./g, '\\.')}`));
    assert.doesNotMatch(storage?.fix ?? '', /writable/);
  });
});
