/**
 * Where a worker thread's entry file is and how to start it: `<name>.js` beside the daemon
 * bundle (dist/), or `<name>.ts` beside the sources (tests and benchmarks under tsx, whose
 * require hook then loads the TypeScript).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** The worker entry next to the running code: `<name>.js` in the bundle, `<name>.ts` in the sources. */
export function workerEntry(name: string): string | undefined {
  for (const file of [`${name}.js`, `${name}.ts`]) {
    const path = join(__dirname, file);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** A worker thread on an entry file (`argv`: its process.argv after the entry); the sources (tests, benchmarks under tsx) load the TypeScript entry through tsx. */
export function spawnWorker(file: string, argv: string[] = []): Worker {
  return file.endsWith('.ts')
    ? new Worker(`require('tsx/cjs'); require(require('node:worker_threads').workerData);`, { eval: true, workerData: file, argv })
    : new Worker(file, { argv });
}
