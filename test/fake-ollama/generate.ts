/**
 * `/api/generate`: completions with Ollama's NDJSON stream (or one body with
 * `stream: false`), the `insert` capability for a `suffix`, and an empty prompt that
 * loads (or with `keep_alive: 0` unloads) the model.
 */
import type { FakeContext } from './context';
import { keepAliveMs } from './catalog';
import { sendJson, type Exchange, type JsonObject } from './exchange';
import type { ResolvedModel } from './models';
import { durations, type StreamFormat } from './replies';

export function generate(fake: FakeContext, ex: Exchange, b: JsonObject, m: ResolvedModel): Promise<void> | void {
  const prompt = typeof b.prompt === 'string' ? b.prompt : '';
  const suffix = typeof b.suffix === 'string' ? b.suffix : '';
  if (!m.capabilities.includes('completion')) return sendJson(ex, 400, { error: `"${m.name}" does not support generate` });
  if (suffix !== '' && !m.capabilities.includes('insert')) return sendJson(ex, 400, { error: `"${m.name}" does not support insert` });
  const base = { model: b.model, created_at: '' };
  if (prompt === '' && suffix === '') {
    // An empty prompt loads (or with keep_alive 0 unloads) the model.
    const unload = keepAliveMs(b.keep_alive) === 0;
    if (unload) fake.catalog.unload(m.name);
    else fake.catalog.markLoaded(m.name, b.keep_alive);
    return sendJson(ex, 200, {
      ...base,
      created_at: new Date().toISOString(),
      response: '',
      done: true,
      done_reason: unload ? 'unload' : 'load',
    });
  }
  fake.catalog.markLoaded(m.name, b.keep_alive);
  const withContext = b.raw !== true;
  const fmt: StreamFormat = {
    contentType: 'application/x-ndjson',
    chunk: (text) => JSON.stringify({ ...base, created_at: new Date().toISOString(), response: text, done: false }) + '\n',
    final: (doneReason, stats) =>
      JSON.stringify({
        ...base,
        created_at: new Date().toISOString(),
        response: '',
        done: true,
        done_reason: doneReason,
        ...(withContext ? { context: [151643, 151644, 151645] } : {}),
        ...durations(stats),
      }) + '\n',
    garbage: (line) => line + '\n',
    error: (message) => JSON.stringify({ error: message }) + '\n',
    whole: (text, doneReason, stats) => ({
      ...base,
      created_at: new Date().toISOString(),
      response: text,
      done: true,
      done_reason: doneReason,
      ...(withContext ? { context: [151643, 151644, 151645] } : {}),
      ...durations(stats),
    }),
  };
  const text = prompt + suffix;
  return fake.replies.play(ex, fake.replies.pick('/api/generate', m.name, text), fmt, b.stream !== false, text.length);
}
