/**
 * Unbounded memory through metric labels: `tandem/events/report` events carrying a new
 * model, backend and language each once (20,000 of them) must not become 20,000
 * Prometheus series (nor do next-edit events). Values the daemon does not know count as `other`, so the daemon's
 * memory and /metrics stay bounded, and stay so after a restart (the gauges are rebuilt
 * from the stored events).
 */
import assert from 'node:assert/strict';
import { EventsReportRequest, StatsGetRequest, type SuggestionEvent } from '../../../protocol';
import { FakeOllama, tandemDefaultModels } from '../../fake-ollama';
import { removeHome, startDaemon, tempHome, type RunningDaemon } from '../daemon-harness';
import { MODEL, rssMb } from './helpers';
import { faultCase, tally } from './tally';

const EVENTS = 20_000;
const BATCH = 500;

function hostileBatch(from: number): SuggestionEvent[] {
  const events: SuggestionEvent[] = [];
  for (let i = from; i < from + BATCH; i++) {
    const meta = {
      completionId: `c-${i}`,
      at: Date.now(),
      model: `made-up-model-${i}`,
      backend: `made-up-backend-${i}`,
      languageId: `lang-${i}`,
    };
    events.push({ kind: 'shown', ...meta, firstTokenMs: 10, totalMs: 20, lines: 1, chars: 3 });
  }
  return events;
}

async function scrape(daemon: RunningDaemon): Promise<{ text: string; ms: number; series: number }> {
  const started = performance.now();
  const text = await (await fetch(daemon.url('/metrics'))).text();
  const ms = Math.round(performance.now() - started);
  return { text, ms, series: text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length };
}

describe('faults: metric labels from clients (real daemon)', function () {
  this.timeout(120_000);
  let fake: FakeOllama;
  let home: string;
  let daemon: RunningDaemon | undefined;
  const config = () => ({ backends: [{ name: 'local', url: fake.url }], maxRequestsPerSecond: 1000 });

  before(async () => {
    fake = new FakeOllama({ models: tandemDefaultModels(), defaultReply: { chunks: ['ok'] } });
    await fake.start();
    home = tempHome('tandem-fault-labels-');
  });
  after(async () => {
    await daemon?.stop();
    await fake.stop();
    removeHome(home);
  });

  faultCase(
    '20,000 events with a new model, backend and language each: memory and /metrics stay bounded, also after a restart',
    async () => {
      daemon = await startDaemon(home, config());
      const conn = await daemon.connect();
      try {
        const baseline = await scrape(daemon);
        const rssBefore = rssMb(daemon.proc.pid!);
        for (let i = 0; i < EVENTS; i += BATCH) {
          const { stored } = await conn.connection.sendRequest(EventsReportRequest.type, { events: hostileBatch(i) });
          assert.equal(stored, BATCH);
        }
        // One event of the configured model on the configured backend keeps its own labels.
        await conn.connection.sendRequest(EventsReportRequest.type, {
          events: [
            {
              kind: 'shown',
              completionId: 'real',
              at: Date.now(),
              model: MODEL,
              backend: 'local',
              languageId: 'typescript',
              firstTokenMs: 5,
              totalMs: 9,
              lines: 1,
              chars: 2,
            },
          ],
        });
        const after = await scrape(daemon);
        const rssAfter = rssMb(daemon.proc.pid!);

        assert.doesNotMatch(after.text, /made-up|lang-\d/, 'no reported value the daemon does not know became a label');
        assert.match(
          after.text,
          new RegExp(`tandem_suggestion_events_total\\{event="shown",model="other",backend="other",language="other"\\} ${EVENTS}`),
        );
        assert.match(
          after.text,
          /tandem_suggestion_events_total\{event="shown",model="qwen2\.5-coder:1\.5b-base",backend="local",language="typescript"\} 1/,
        );
        assert.ok(after.series - baseline.series < 200, `series grew from ${baseline.series} to ${after.series}`);
        assert.ok(after.text.length < 512 * 1024, `/metrics is ${after.text.length} bytes`);
        assert.ok(rssAfter - rssBefore < 150, `daemon RSS ${rssBefore} → ${rssAfter} MB`);
        // The events themselves are stored as reported.
        const stats = await conn.connection.sendRequest(StatsGetRequest.type, { groupBy: [] });
        assert.equal(stats.total.shown, EVENTS + 1);
        // Next-edit events have their own series, bounded the same way.
        for (let i = 0; i < 4 * BATCH; i += BATCH) {
          const events = hostileBatch(EVENTS + i).map((e) => ({ ...e, suggestionKind: 'nextEdit' as const }));
          await conn.connection.sendRequest(EventsReportRequest.type, { events });
        }
        const nextEdits = await scrape(daemon);
        assert.doesNotMatch(nextEdits.text, /made-up|lang-\d/, 'no next-edit value the daemon does not know became a label');
        assert.match(
          nextEdits.text,
          new RegExp(`tandem_next_edit_events_total\\{event="shown",model="other",backend="other",language="other"\\} ${4 * BATCH}`),
        );
        assert.ok(nextEdits.series - after.series < 50, `next edits grew the series from ${after.series} to ${nextEdits.series}`);
        tally.notes.push(
          `metric labels: ${EVENTS} events with new labels: RSS ${rssBefore} → ${rssAfter} MB, /metrics ${baseline.series} → ${after.series} series, ${(after.text.length / 1024).toFixed(0)} KB in ${after.ms} ms`,
        );
      } finally {
        conn.close();
      }
      await daemon.stop();

      daemon = await startDaemon(home, config());
      const restarted = await scrape(daemon);
      assert.doesNotMatch(restarted.text, /made-up|lang-\d/, 'the gauges rebuilt from the database are bounded too');
      assert.match(restarted.text, /tandem_suggestion_acceptance_ratio\{model="other",backend="other",language="other"\} 0/);
      assert.ok(restarted.text.length < 512 * 1024, `/metrics after a restart is ${restarted.text.length} bytes`);
      tally.notes.push(
        `metric labels after a restart: /metrics ${restarted.series} series, ${(restarted.text.length / 1024).toFixed(0)} KB in ${restarted.ms} ms, RSS ${rssMb(daemon.proc.pid!)} MB`,
      );
    },
  );
});
