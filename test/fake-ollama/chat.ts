/**
 * `/api/chat`: chat with Ollama's NDJSON stream (or one body with `stream: false`); no
 * messages loads the model.
 */
import type { FakeContext } from './context';
import { sendJson, type Exchange, type JsonObject } from './exchange';
import type { ResolvedModel } from './models';
import { durations, type StreamFormat } from './replies';

export function chat(fake: FakeContext, ex: Exchange, b: JsonObject, m: ResolvedModel): Promise<void> | void {
  if (!m.capabilities.includes('completion')) return sendJson(ex, 400, { error: `"${m.name}" does not support chat` });
  const messages = Array.isArray(b.messages) ? (b.messages as Array<{ content?: unknown }>) : [];
  const base = { model: b.model, created_at: '' };
  if (messages.length === 0) {
    fake.catalog.markLoaded(m.name, b.keep_alive);
    return sendJson(ex, 200, {
      ...base,
      created_at: new Date().toISOString(),
      message: { role: 'assistant', content: '' },
      done: true,
      done_reason: 'load',
    });
  }
  fake.catalog.markLoaded(m.name, b.keep_alive);
  const text = messages.map((msg) => (typeof msg.content === 'string' ? msg.content : '')).join('\n');
  const fmt: StreamFormat = {
    contentType: 'application/x-ndjson',
    chunk: (t) =>
      JSON.stringify({ ...base, created_at: new Date().toISOString(), message: { role: 'assistant', content: t }, done: false }) + '\n',
    final: (doneReason, stats) =>
      JSON.stringify({
        ...base,
        created_at: new Date().toISOString(),
        message: { role: 'assistant', content: '' },
        done: true,
        done_reason: doneReason,
        ...durations(stats),
      }) + '\n',
    garbage: (line) => line + '\n',
    error: (message) => JSON.stringify({ error: message }) + '\n',
    whole: (t, doneReason, stats) => ({
      ...base,
      created_at: new Date().toISOString(),
      message: { role: 'assistant', content: t },
      done: true,
      done_reason: doneReason,
      ...durations(stats),
    }),
  };
  return fake.replies.play(ex, fake.replies.pick('/api/chat', m.name, text), fmt, b.stream !== false, text.length);
}
