/**
 * Preloaded (`--require`) by a benchmark that runs on the bundled runtime: node_modules'
 * better-sqlite3 addon is built for the developer's Node, so its `better_sqlite3.node` is
 * resolved to the build for the bundled runtime (TANDEM_BENCH_SQLITE_ADDON) instead, the
 * one the VSIX ships. Worker threads inherit the preload with the process's execArgv.
 */
const Module = require('node:module');

const addon = process.env.TANDEM_BENCH_SQLITE_ADDON;
if (addon) {
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return typeof request === 'string' && request.endsWith('better_sqlite3.node') ? addon : resolve.call(this, request, ...rest);
  };
}
