/**
 * One request must not stall every client. A completion whose prefix is 1.9 MB without a
 * newline used to make the whole prefix the retrieval query: one index lookup per
 * identifier (170,000 of them), seconds of synchronous work past the deadline, and every
 * other client waiting behind it. Now the query is capped (last lines, at most 4,000
 * characters, at most 256 identifiers), the retrievers check the deadline inside their
 * loops, and the event loop gets a turn between them.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContextDiagnosticsRequest, InlineCompletionRequest, StatusRequest, WorkspaceRegisterRequest } from '../../../protocol';
import type { DaemonConnection } from '../../../protocol/client';
import { FakeOllama, tandemDefaultModels } from '../../fake-ollama';
import { eventually, removeHome, startDaemon, tempHome, type RunningDaemon } from '../daemon-harness';
import { faultCase, tally } from './tally';

const DEADLINE_MS = 300;

describe('faults: a huge prefix (real daemon)', function () {
  this.timeout(120_000);
  let fake: FakeOllama;
  let home: string;
  let work: string;
  let root: string;
  let daemon: RunningDaemon;
  let attacker: DaemonConnection;
  let victim: DaemonConnection;

  before(async () => {
    fake = new FakeOllama({ models: tandemDefaultModels(), defaultReply: { chunks: ['ok'] } });
    await fake.start();
    home = tempHome('tandem-fault-stall-');
    work = tempHome('tandem-fault-stall-work-');
    root = join(work, 'repo');
    mkdirSync(join(root, 'src'), { recursive: true });
    for (let i = 0; i < 200; i++) {
      writeFileSync(
        join(root, 'src', `m${i}.ts`),
        `export function fn${i}Alpha(x: number) {\n  return x + ${i};\n}\nexport const value${i}Beta = fn${i}Alpha(${i});\n`,
      );
    }
    // A deadline long enough that every retriever starts, so the work inside them is what is measured.
    daemon = await startDaemon(home, {
      backends: [{ name: 'local', url: fake.url }],
      maxRequestsPerSecond: 1000,
      context: { watch: { enabled: false }, completion: { deadlineMs: DEADLINE_MS } },
    });
    attacker = await daemon.connect({ name: 'attacker' });
    victim = await daemon.connect({ name: 'victim' });
    for (const c of [attacker, victim]) await c.connection.sendRequest(WorkspaceRegisterRequest.type, { roots: [root] });
    await eventually(
      async () => (await victim.connection.sendRequest(StatusRequest.type)).indexing?.find((i) => i.root === root && i.state === 'ready'),
      60_000,
      'index ready',
    );
  });
  after(async () => {
    attacker?.close();
    victim?.close();
    await daemon?.stop();
    await fake.stop();
    removeHome(home);
    removeHome(work);
  });

  const doc = (prefix: string) => ({
    document: { path: join(root, 'src', 'm1.ts'), languageId: 'typescript', prefix, suffix: '', line: 0, character: prefix.length },
  });

  faultCase(
    'three completions with a 1.9 MB prefix and no newline stay near their deadline; another client is served meanwhile',
    async () => {
      const words: string[] = [];
      for (let n = 0, len = 0; len < 1_900_000; n++) {
        const w = `ident${n}Zq`;
        words.push(w);
        len += w.length + 1;
      }
      const huge = words.join(' ');
      const attacks = [0, 1, 2].map(() => attacker.connection.sendRequest(InlineCompletionRequest.type, doc(huge)));
      // The victim keeps completing while the attack runs.
      const victimMs: number[] = [];
      let attacking = true;
      const allAttacks = Promise.all(attacks).finally(() => (attacking = false));
      while (attacking || victimMs.length < 3) {
        const started = performance.now();
        const r = await victim.connection.sendRequest(InlineCompletionRequest.type, doc('const v = fn1Alpha('));
        victimMs.push(performance.now() - started);
        assert.equal(r.text, 'ok');
      }
      const results = await allAttacks;
      const worstVictim = Math.max(...victimMs);
      const contextMs = results.map((r) => r.timings.contextMs);
      for (const r of results) {
        assert.equal(r.text, 'ok', 'the attacker is served too');
        const diag = await attacker.connection.sendRequest(ContextDiagnosticsRequest.type, { completionId: r.completionId });
        assert.ok(
          diag.elapsedMs < 10 * DEADLINE_MS,
          `context assembly honoured its ${DEADLINE_MS} ms deadline (took ${diag.elapsedMs} ms)`,
        );
      }
      assert.ok(worstVictim < 10 * DEADLINE_MS, `the other client waited ${Math.round(worstVictim)} ms at worst, not seconds`);
      tally.notes.push(
        `huge prefix: 3 × 1.9 MB, context ${contextMs.map((m) => Math.round(m)).join('/')} ms (deadline ${DEADLINE_MS}); other client served ${victimMs.length}× meanwhile, worst ${Math.round(worstVictim)} ms`,
      );
    },
  );
});
