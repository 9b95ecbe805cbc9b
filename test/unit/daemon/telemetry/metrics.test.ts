import { strict as assert } from 'node:assert';
import { Registry } from 'prom-client';
import { SuggestionLabels } from '../../../../daemon/telemetry/labels';
import { TelemetryMetrics } from '../../../../daemon/telemetry/metrics';
import { NextEditMetrics } from '../../../../daemon/telemetry/next-edit-metrics';
import { TelemetryStore } from '../../../../daemon/telemetry/store';
import { accepted, dismissed, retention, shown, withDb } from './helpers';

const known = () => new SuggestionLabels({ models: () => ['qwen'], backends: () => ['local'] });

describe('telemetry Prometheus metrics', () => {
  let env: ReturnType<typeof withDb>;
  beforeEach(() => (env = withDb()));
  afterEach(() => env.cleanup());

  it('counts stored events and exposes acceptance and retention ratios', async () => {
    const registry = new Registry();
    const store = new TelemetryStore(env.db, { storeCodeText: () => false });
    const metrics = new TelemetryMetrics(registry, known(), store);
    const now = Date.now();
    store.record([
      shown('a', 120, { at: now }),
      shown('b', 80, { at: now }),
      { ...accepted('a', 10), at: now },
      { ...dismissed('b'), at: now },
      { ...retention('a', 30, 10, 8), at: now },
    ]);
    const text = await registry.metrics();
    assert.match(text, /tandem_suggestion_events_total\{event="shown",model="qwen",backend="local",language="typescript"\} 2/);
    assert.match(text, /tandem_suggestion_events_total\{event="accepted",model="qwen",backend="local",language="typescript"\} 1/);
    assert.match(text, /tandem_suggestion_accepted_chars_total\{model="qwen",backend="local",language="typescript"\} 10/);
    assert.match(text, /tandem_suggestion_retained_chars_total\{checkpoint="30",model="qwen",backend="local",language="typescript"\} 8/);
    assert.match(text, /tandem_suggestion_latency_seconds_count\{model="qwen",backend="local"\} 2/);
    assert.match(text, /tandem_suggestion_acceptance_ratio\{model="qwen",backend="local",language="typescript"\} 0\.5/);
    assert.match(text, /tandem_suggestion_retained_chars_ratio\{checkpoint="30",model="qwen",backend="local",language="typescript"\} 0\.8/);
    metrics.dispose();
    store.record([shown('c', 1, { at: now })]);
    assert.match(await registry.metrics(), /event="shown",model="qwen",backend="local",language="typescript"\} 2/);
  });

  it('labels unknown models, backends and languages as other, in counters, histograms and gauges alike', async () => {
    const registry = new Registry();
    const store = new TelemetryStore(env.db, { storeCodeText: () => false });
    const metrics = new TelemetryMetrics(registry, known(), store);
    const now = Date.now();
    const events = [];
    for (let i = 0; i < 300; i++) {
      events.push(shown(`x${i}`, 50, { at: now, model: `made-up-${i}`, backend: `b-${i}`, languageId: `lang-${i}` }));
      events.push({ ...accepted(`x${i}`, 4), at: now, model: `made-up-${i}`, backend: `b-${i}`, languageId: `lang-${i}` });
    }
    events.push(shown('q', 50, { at: now }));
    store.record(events);
    const text = await registry.metrics();
    assert.doesNotMatch(text, /made-up|b-\d|lang-\d/);
    assert.match(text, /tandem_suggestion_events_total\{event="shown",model="other",backend="other",language="other"\} 300/);
    assert.match(text, /tandem_suggestion_events_total\{event="shown",model="qwen",backend="local",language="typescript"\} 1/);
    assert.match(text, /tandem_suggestion_latency_seconds_count\{model="other",backend="other"\} 300/);
    assert.match(text, /tandem_suggestion_acceptance_ratio\{model="other",backend="other",language="other"\} 1/);
    assert.match(text, /tandem_suggestion_acceptance_ratio\{model="qwen",backend="local",language="typescript"\} 0/);
    metrics.dispose();
  });

  it('has a next-edit section: its events by outcome, latency and acceptance, not counted as inline completions', async () => {
    const registry = new Registry();
    const store = new TelemetryStore(env.db, { storeCodeText: () => false });
    const bounded = known();
    const completions = new TelemetryMetrics(registry, bounded, store);
    const nextEdits = new NextEditMetrics(registry, bounded, store);
    const now = Date.now();
    const next = { suggestionKind: 'nextEdit' as const, at: now };
    store.record([
      shown('n1', 300, next),
      shown('n2', 200, next),
      shown('n3', 250, next),
      { ...accepted('n1'), ...next },
      { ...dismissed('n2', 'escaped'), ...next },
      { ...dismissed('n3', 'typed_over'), ...next },
    ]);
    const text = await registry.metrics();
    const labels = 'model="qwen",backend="local",language="typescript"';
    assert.match(text, new RegExp(`tandem_next_edit_events_total\\{event="shown",${labels}\\} 3`));
    assert.match(text, new RegExp(`tandem_next_edit_events_total\\{event="accepted",${labels}\\} 1`));
    assert.match(text, new RegExp(`tandem_next_edit_events_total\\{event="rejected",${labels}\\} 1`));
    assert.match(text, new RegExp(`tandem_next_edit_events_total\\{event="ignored",${labels}\\} 1`));
    assert.match(text, /tandem_next_edit_latency_seconds_count\{model="qwen",backend="local"\} 3/);
    assert.match(text, new RegExp(`tandem_next_edit_acceptance_ratio\\{${labels}\\} 0\\.333`));
    assert.doesNotMatch(text, /tandem_suggestion_events_total\{/, 'no inline completion counted');
    // Values the daemon does not know are `other` here too.
    store.record([shown('n4', 100, { ...next, model: 'made-up-model', backend: 'made-up-backend', languageId: 'made-up-language' })]);
    const after = await registry.metrics();
    assert.doesNotMatch(after, /made-up/);
    assert.match(after, /tandem_next_edit_events_total\{event="shown",model="other",backend="other",language="other"\} 1/);
    nextEdits.dispose();
    completions.dispose();
    assert.doesNotMatch(await registry.metrics(), /tandem_next_edit_/);
  });
});
