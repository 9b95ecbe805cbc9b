// Three bundles, one esbuild context each:
//   dist/extension.js  CommonJS for the VS Code extension host (`vscode` external)
//   dist/daemon.js     tandemd for Node (native modules external, shipped in node_modules),
//                      with dist/index-worker.js, the worker thread that parses files for the index
//   dist/webview/*     browser code for the webviews (no Node, no vscode)
// Flags: --watch (rebuild on change), --production (minify, no sourcemaps).
// A metafile per bundle lands in dist/meta/ for size inspection (esbuild.github.io/analyze).
import * as esbuild from 'esbuild';
import { mkdirSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// Native or wasm-carrying packages the daemon loads at run time from node_modules.
export const daemonExternals = [
  'better-sqlite3',
  '@lancedb/lancedb',
  'apache-arrow',
  'tiktoken',
  // tree-sitter: the wasm runtime (its JS finds its own files) and the grammars (data only).
  'web-tree-sitter',
  '@vscode/tree-sitter-wasm',
  'bufferutil',
  'utf-8-validate',
];

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  metafile: true,
  logLevel: 'info',
  legalComments: 'none',
};

function webviewEntries() {
  const dir = 'webview-ui';
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^[a-z-]+\.main\.ts$/.test(f))
    .map((f) => join(dir, f));
}

const targets = [
  {
    name: 'extension',
    entryPoints: { extension: 'extension/main.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'bufferutil', 'utf-8-validate'],
  },
  {
    name: 'daemon',
    entryPoints: {
      daemon: 'daemon/main.ts',
      'index-worker': 'daemon/context/index-worker.ts',
      'lexical-worker': 'daemon/context/lexical-worker.ts',
    },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: daemonExternals,
    // jsonc-parser's UMD build requires its parts dynamically, which a bundle cannot resolve: bundle its ES build.
    alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
  },
  {
    name: 'webview',
    entryPoints: webviewEntries(),
    entryNames: '[name]',
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    loader: { '.css': 'css' },
  },
].filter((t) => existsSync(Object.values(t.entryPoints)[0] ?? '') || (Array.isArray(t.entryPoints) && t.entryPoints.length > 0));

function writeMeta(name, result) {
  if (!result.metafile) return;
  mkdirSync('dist/meta', { recursive: true });
  writeFileSync(`dist/meta/${name}.json`, JSON.stringify(result.metafile));
}

const metaPlugin = (name) => ({
  name: 'tandem-meta',
  setup(build) {
    build.onEnd((result) => {
      if (result.errors.length === 0) writeMeta(name, result);
    });
  },
});

const contexts = await Promise.all(
  targets.map(({ name, ...opts }) => esbuild.context({ ...common, ...opts, plugins: [metaPlugin(name)] })),
);

if (watch) {
  await Promise.all(contexts.map((ctx) => ctx.watch()));
  console.log('[esbuild] watching for changes');
} else {
  try {
    await Promise.all(contexts.map((ctx) => ctx.rebuild()));
  } catch {
    process.exitCode = 1;
  } finally {
    await Promise.all(contexts.map((ctx) => ctx.dispose()));
  }
}
