/**
 * `/api/chat`: chat with Ollama's NDJSON stream (or one body with `stream: false`); no
 * messages loads the model.
 */
import type { FakeContext } from './context';
import { sendJson, type Exchange, type JsonObject } from './exchange';
import type { ResolvedModel } from './models';
import { durations, type FakeToolCall, type StreamFormat } from './replies';

export function chat(fake: FakeContext, ex: Exchange, b: JsonObject, m: ResolvedModel): Promise<void> | void {
  if (!m.capabilities.includes('completion')) return sendJson(ex, 400, { error: `"${m.name}" does not support chat` });
  const messages = Array.isArray(b.messages) ? (b.messages as Array<{ content?: unknown }>) : [];
  // As Ollama: tools for a model whose template has none is a 400 naming the model.
  if (Array.isArray(b.tools) && b.tools.length > 0 && !m.capabilities.includes('tools'))
    return sendJson(ex, 400, { error: `registry.ollama.ai/library/${m.name} does not support tools` });
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
    toolCalls: (calls) =>
      JSON.stringify({
        ...base,
        created_at: new Date().toISOString(),
        message: { role: 'assistant', content: '', tool_calls: ollamaToolCalls(calls) },
        done: false,
      }) + '\n',
    thinking: (t) =>
      JSON.stringify({
        ...base,
        created_at: new Date().toISOString(),
        message: { role: 'assistant', content: '', thinking: t },
        done: false,
      }) + '\n',
    whole: (t, doneReason, stats, calls) => ({
      ...base,
      created_at: new Date().toISOString(),
      message: { role: 'assistant', content: t, ...(calls && calls.length > 0 ? { tool_calls: ollamaToolCalls(calls) } : {}) },
      done: true,
      done_reason: doneReason,
      ...durations(stats),
    }),
  };
  const last =
    messages.length > 0 && typeof messages[messages.length - 1]!.content === 'string'
      ? (messages[messages.length - 1]!.content as string)
      : '';
  return fake.replies.play(ex, fake.replies.pick('/api/chat', m.name, text, last), fmt, b.stream !== false, text.length);
}

/** Ollama's `tool_calls`: arguments as an object (a string stays a string, as a broken parse would leave it). */
function ollamaToolCalls(calls: FakeToolCall[]): unknown[] {
  return calls.map((c, index) => ({ function: { index, name: c.name, arguments: c.arguments } }));
}
