/**
 * Files readable by other users: on a shared host every file under the Tandem home
 * (the user database and its WAL, the per-workspace indexes holding the code's full
 * text, the vectors, the lock with the token, config) must be 0600 and every folder
 * 0700, for a new install and for one made before (tightened at start, said once).
 */
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { StatusRequest, WorkspaceRegisterRequest } from '../../../protocol';
import { connectToDaemon } from '../../../protocol/client';
import { readLock } from '../../../protocol/lockfile';
import { FakeOllama, tandemDefaultModels } from '../../fake-ollama';
import { eventually, removeHome, spawnDaemon, tempHome } from '../daemon-harness';
import { faultCase, tally } from './tally';

interface Entry {
  path: string;
  mode: number;
  dir: boolean;
}

/** Every entry under `dir`, while the daemon runs: a temporary file (LanceDB's `.tmp…`) may go between readdir and lstat. */
function entries(dir: string, out: Entry[] = []): Entry[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
    throw err;
  }
  for (const name of names) {
    const path = join(dir, name);
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    if (st.isSymbolicLink()) continue;
    out.push({ path, mode: st.mode & 0o777, dir: st.isDirectory() });
    if (st.isDirectory()) entries(path, out);
  }
  return out;
}

function readableByOthers(home: string): string[] {
  const all = [{ path: home, mode: lstatSync(home).mode & 0o777, dir: true }, ...entries(home)];
  return all.filter((e) => (e.mode & 0o077) !== 0).map((e) => `${relative(home, e.path) || '<home>'} ${e.mode.toString(8)}`);
}

describe('faults: files under the Tandem home readable by other users (real daemon)', function () {
  if (process.platform === 'win32') return;
  this.timeout(120_000);
  let fake: FakeOllama;
  let parent: string;
  let home: string;
  let work: string;

  before(async () => {
    fake = new FakeOllama({ models: tandemDefaultModels(), defaultReply: { chunks: ['ok'] } });
    await fake.start();
    parent = tempHome('tandem-fault-modes-');
    home = join(parent, 'new-home');
    work = join(parent, 'work');
    mkdirSync(join(work, 'src'), { recursive: true });
    for (let i = 0; i < 20; i++)
      writeFileSync(join(work, 'src', `m${i}.ts`), `export function secretAlgorithm${i}(x: number) {\n  return x * ${i};\n}\n`);
  });
  after(async () => {
    await fake.stop();
    removeHome(parent);
  });

  /**
   * Start tandemd on `home` (as the extension does: TANDEM_HOME and the Ollama URL only),
   * index `work`, and stop it. Returns its log and what was readable by others while it ran.
   */
  async function runOnce(): Promise<{ log: string; whileRunning: string[]; running: Entry[] }> {
    let whileRunning: string[] = [];
    let running: Entry[] = [];
    const daemon = spawnDaemon(home, { TANDEM_OLLAMA_URL: fake.url });
    try {
      await daemon.firstLine;
      const lock = readLock(home)!;
      const conn = await connectToDaemon({ port: lock.port, token: lock.token, client: { name: 'modes', version: '0' } });
      try {
        await conn.connection.sendRequest(WorkspaceRegisterRequest.type, { roots: [work] });
        await eventually(
          async () => (await conn.connection.sendRequest(StatusRequest.type)).indexing?.[0]?.state === 'ready',
          30_000,
          'index',
        );
        // The vectors (LanceDB's own files) are written in the background.
        await eventually(() => entries(home).some((e) => e.path.endsWith('.lance')), 30_000, 'vectors on disk');
        running = entries(home);
        whileRunning = readableByOthers(home);
      } finally {
        conn.close();
      }
    } finally {
      daemon.proc.kill('SIGTERM');
      await daemon.exited;
    }
    return { log: daemon.log(), whileRunning, running };
  }

  faultCase(
    'a new install: the home 0700, every folder 0700, every file 0600 (database, WAL, indexes, vectors, lock, config)',
    async () => {
      const { whileRunning, running } = await runOnce();
      for (const suffix of [
        'tandem.db',
        'tandem.db-wal',
        'tandem.db-shm',
        'daemon.lock',
        'config.json',
        'index.db',
        'index.db-wal',
        '.lance',
      ])
        assert.ok(
          running.some((e) => e.path.endsWith(suffix)),
          `${suffix} exists while the daemon runs`,
        );
      assert.deepEqual(whileRunning, [], 'while the daemon runs');
      assert.deepEqual(readableByOthers(home), [], 'after it stopped');
      tally.notes.push(
        `file modes: a new install has ${running.filter((e) => !e.dir).length} files while running, none readable by other users`,
      );
    },
  );

  faultCase('an install made before: tightened on the next start, said once in the log, not again after', async () => {
    // What an older tandemd left: a 0755 home and 0644 files everywhere.
    for (const e of [{ path: home, dir: true }, ...entries(home)]) chmodSync(e.path, e.dir ? 0o755 : 0o644);
    mkdirSync(join(home, 'logs'), { recursive: true, mode: 0o755 });
    writeFileSync(join(home, 'logs', 'daemon.log'), 'old log\n', { mode: 0o644 });
    const before = readableByOthers(home).length;
    const { log, whileRunning } = await runOnce();
    assert.deepEqual(whileRunning, []);
    assert.deepEqual(readableByOthers(home), []);
    const said = log.split('\n').filter((l) => /private to you/.test(l));
    assert.equal(said.length, 1, log);
    assert.match(said[0], /Made \d+ file\(s\) and \d+ folder\(s\) under .* private to you \(0600\/0700\)/);
    const again = await runOnce();
    assert.doesNotMatch(again.log, /private to you/, 'nothing to tighten the next time');
    tally.notes.push(
      `file modes: an older install with ${before} paths readable by others, tightened at start: ${said[0].replace(/^.*Made/, 'Made')}`,
    );
  });
});
