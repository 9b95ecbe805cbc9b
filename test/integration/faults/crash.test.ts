/**
 * Storage faults against the real daemon process: SIGKILL while suggestion events are
 * being written (restart, intact database, nothing acknowledged lost, batches atomic),
 * and a full disk under the store (a clear StorageError, nothing half-written, the
 * daemon keeps serving completions, and writes work again once space is freed).
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  ErrorCodes,
  EventsReportRequest,
  InlineCompletionRequest,
  StatsGetRequest,
  StatusRequest,
  type SuggestionEvent,
} from '../../../protocol';
import { FakeOllama, tandemDefaultModels } from '../../fake-ollama';
import { removeHome, startDaemon, tempHome, type RunningDaemon } from '../daemon-harness';
import { completion, mountTmpfs, rpcError } from './helpers';
import { faultCase, skipLoudly, tally } from './tally';

function batch(tag: string, n: number, at = Date.now()): SuggestionEvent[] {
  return Array.from({ length: n }, (_, j) => ({
    kind: 'shown' as const,
    completionId: `${tag}-${j}`,
    at,
    model: 'qwen2.5-coder:1.5b-base',
    backend: 'local',
    languageId: 'typescript',
    firstTokenMs: 50,
    totalMs: 120,
    lines: 1,
    chars: 30,
  }));
}

function storedIds(home: string): Set<string> {
  const db = new Database(join(home, 'tandem.db'), { readonly: true });
  try {
    return new Set((db.prepare('SELECT completion_id AS id FROM completion_events').all() as Array<{ id: string }>).map((r) => r.id));
  } finally {
    db.close();
  }
}

function integrity(home: string): string {
  const db = new Database(join(home, 'tandem.db'), { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

describe('faults: storage (real daemon)', function () {
  this.timeout(60_000);
  let fake: FakeOllama;
  let home: string;
  let daemon: RunningDaemon | undefined;

  beforeEach(async () => {
    fake = new FakeOllama({ models: tandemDefaultModels(), defaultReply: { chunks: ['return', ' a + b;'] } });
    await fake.start();
    home = tempHome('tandem-fault-crash-');
  });
  afterEach(async () => {
    await daemon?.stop();
    daemon = undefined;
    await fake.stop();
    removeHome(home);
  });

  faultCase('SIGKILL during event writes: restart, integrity ok, every acknowledged event kept, batches all-or-nothing', async () => {
    const cfg = { backends: [{ name: 'local', url: fake.url }] };
    daemon = await startDaemon(home, cfg);
    const conn = await daemon.connect();
    const acked = new Set<number>();
    const sent = new Set<number>();
    let next = 0;
    let killed = false;
    const BATCH = 50;
    const pipeline = async () => {
      while (!killed) {
        const i = next++;
        sent.add(i);
        try {
          await conn.connection.sendRequest(EventsReportRequest.type, { events: batch(`b${i}`, BATCH) });
          acked.add(i);
        } catch {
          return; // the connection died with the daemon
        }
      }
    };
    const writers = [pipeline(), pipeline(), pipeline(), pipeline()];
    while (acked.size < 40) await new Promise((r) => setTimeout(r, 5));
    killed = true;
    daemon.proc.kill('SIGKILL');
    await daemon.exited;
    conn.close(); // rejects the requests that will never be answered
    await Promise.all(writers);
    const inFlight = [...sent].filter((i) => !acked.has(i));

    daemon = await startDaemon(home, cfg);
    assert.equal(integrity(home), 'ok');
    const ids = storedIds(home);
    for (const i of acked) for (let j = 0; j < BATCH; j++) assert.ok(ids.has(`b${i}-${j}`), `acknowledged event b${i}-${j} was lost`);
    let partial = 0;
    let committedUnacked = 0;
    for (const i of inFlight) {
      const present = Array.from({ length: BATCH }, (_, j) => ids.has(`b${i}-${j}`)).filter(Boolean).length;
      if (present !== 0 && present !== BATCH) partial++;
      if (present === BATCH) committedUnacked++;
    }
    assert.equal(partial, 0, 'a batch is stored whole or not at all');
    assert.equal(ids.size, (acked.size + committedUnacked) * BATCH, 'nothing but sent batches is stored');
    assert.ok(inFlight.length <= 4, `at most the in-flight batches (${inFlight.length}) are in doubt`);
    const c2 = await daemon.connect();
    try {
      const stats = await c2.connection.sendRequest(StatsGetRequest.type, { groupBy: [] });
      assert.equal(stats.total.shown, ids.size, 'the restarted daemon reads every stored event');
      const more = await c2.connection.sendRequest(EventsReportRequest.type, { events: batch('after', 3) });
      assert.equal(more.stored, 3, 'and keeps writing');
    } finally {
      c2.close();
    }
    tally.notes.push(
      `SIGKILL: ${acked.size} batches acknowledged, ${inFlight.length} in flight (${committedUnacked} of them committed), 0 acknowledged lost`,
    );
  });

  faultCase(
    'disk full under the store: clear StorageError, nothing half-written, completions still served, recovers when space is freed',
    async function () {
      const fs = mountTmpfs('6m');
      if (!fs) skipLoudly(this, 'disk full: cannot mount a tmpfs here (needs root); the disk-full case did not run');
      const fullHome = join(fs.dir, 'home');
      const filler = join(fs.dir, 'filler');
      try {
        daemon = await startDaemon(fullHome, { backends: [{ name: 'local', url: fake.url }] });
        const conn = await daemon.connect();
        try {
          assert.equal((await conn.connection.sendRequest(EventsReportRequest.type, { events: batch('before', 10) })).stored, 10);
          // Fill the file system to the last byte.
          const fd = openSync(filler, 'w');
          const block = Buffer.alloc(64 * 1024, 0x61);
          try {
            for (;;) writeSync(fd, block);
          } catch (err) {
            assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
          }
          try {
            for (;;) writeSync(fd, block, 0, 512);
          } catch {
            // The last partial blocks are taken too.
          }
          closeSync(fd);

          let failure: Awaited<ReturnType<typeof rpcError>> | undefined;
          const tags: string[] = [];
          for (let attempt = 0; attempt < 20 && !failure; attempt++) {
            const tag = `full${attempt}`;
            tags.push(tag);
            try {
              await conn.connection.sendRequest(EventsReportRequest.type, { events: batch(tag, 500) });
            } catch (err) {
              failure = err as Awaited<ReturnType<typeof rpcError>>;
            }
          }
          assert.ok(failure, 'writes must fail on a full disk');
          assert.equal(failure.code, ErrorCodes.StorageError);
          assert.match(failure.message, /Could not store 500 suggestion event\(s\): database or disk is full/);
          assert.match(failure.data?.hint ?? '', /disk is not full/);

          // The daemon keeps serving completions and status while the disk is full.
          const r = await conn.connection.sendRequest(InlineCompletionRequest.type, completion());
          assert.equal(r.text, 'return a + b;');
          assert.equal((await conn.connection.sendRequest(StatusRequest.type)).pid, daemon.proc.pid);

          rmSync(filler);
          assert.equal((await conn.connection.sendRequest(EventsReportRequest.type, { events: batch('recovered', 5) })).stored, 5);
          const ids = storedIds(fullHome);
          const failedTag = tags.at(-1)!;
          assert.equal([...ids].filter((id) => id.startsWith(`${failedTag}-`)).length, 0, 'the failed batch left nothing behind');
          assert.ok(ids.has('before-9') && ids.has('recovered-4'));
          assert.equal(integrity(fullHome), 'ok');
          tally.notes.push(`disk full: the write failed after ${tags.length} batch(es) with "${failure.message}"`);
        } finally {
          conn.close();
        }
        await daemon.stop();
        daemon = undefined;
      } finally {
        fs.unmount();
      }
    },
  );
});
