/**
 * The OpenAI-compatible subset Ollama serves: `/v1/models`, `/v1/completions` and
 * `/v1/chat/completions` (SSE when `stream: true`, one body otherwise, usage included).
 * `/v1/embeddings` is in `embed.ts`.
 */
import type { FakeContext } from './context';
import { openAiError, sendJson, type Exchange, type JsonObject } from './exchange';
import type { ResolvedModel } from './models';
import type { Stats, StreamFormat } from './replies';

const created = () => Math.floor(Date.now() / 1000);

/** `/v1/models` */
export function openAiModels(fake: FakeContext): JsonObject {
  return {
    object: 'list',
    data: fake.catalog.all().map((m) => ({ id: m.name, object: 'model', created: 1_748_779_200, owned_by: 'library' })),
  };
}

/** `/v1/completions` */
export function openAiCompletion(fake: FakeContext, ex: Exchange, b: JsonObject, m: ResolvedModel): Promise<void> | void {
  const prompt = typeof b.prompt === 'string' ? b.prompt : Array.isArray(b.prompt) ? b.prompt.join('') : '';
  const suffix = typeof b.suffix === 'string' ? b.suffix : '';
  if (suffix !== '' && !m.capabilities.includes('insert'))
    return sendJson(ex, 400, openAiError(400, `"${m.name}" does not support insert`));
  fake.catalog.markLoaded(m.name, undefined);
  const id = `cmpl-${Math.floor(Math.random() * 1000)}`;
  const base = () => ({ id, object: 'text_completion', created: created(), model: b.model, system_fingerprint: 'fp_ollama' });
  const usage = (s: Stats) => ({
    prompt_tokens: s.promptEvalCount,
    completion_tokens: s.evalCount,
    total_tokens: s.promptEvalCount + s.evalCount,
  });
  const fmt: StreamFormat = {
    contentType: 'text/event-stream',
    chunk: (t) => `data: ${JSON.stringify({ ...base(), choices: [{ text: t, index: 0, finish_reason: null }] })}\n\n`,
    final: (doneReason) =>
      `data: ${JSON.stringify({ ...base(), choices: [{ text: '', index: 0, finish_reason: doneReason }] })}\n\ndata: [DONE]\n\n`,
    garbage: (line) => `${line}\n\n`,
    error: (message) => `data: ${JSON.stringify(openAiError(500, message))}\n\n`,
    whole: (t, doneReason, s) => ({ ...base(), choices: [{ text: t, index: 0, finish_reason: doneReason }], usage: usage(s) }),
  };
  const text = prompt + suffix;
  return fake.replies.play(ex, fake.replies.pick('/v1/completions', m.name, text), fmt, b.stream === true, text.length);
}

/** `/v1/chat/completions` */
export function openAiChat(fake: FakeContext, ex: Exchange, b: JsonObject, m: ResolvedModel): Promise<void> | void {
  const messages = Array.isArray(b.messages) ? (b.messages as Array<{ content?: unknown }>) : [];
  if (messages.length === 0) return sendJson(ex, 400, openAiError(400, 'invalid message format'));
  fake.catalog.markLoaded(m.name, undefined);
  const text = messages.map((msg) => (typeof msg.content === 'string' ? msg.content : '')).join('\n');
  const id = `chatcmpl-${Math.floor(Math.random() * 1000)}`;
  const base = () => ({ id, object: 'chat.completion.chunk', created: created(), model: b.model, system_fingerprint: 'fp_ollama' });
  const fmt: StreamFormat = {
    contentType: 'text/event-stream',
    chunk: (t) =>
      `data: ${JSON.stringify({ ...base(), choices: [{ index: 0, delta: { role: 'assistant', content: t }, finish_reason: null }] })}\n\n`,
    final: (doneReason) =>
      `data: ${JSON.stringify({ ...base(), choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: doneReason }] })}\n\ndata: [DONE]\n\n`,
    garbage: (line) => `${line}\n\n`,
    error: (message) => `data: ${JSON.stringify(openAiError(500, message))}\n\n`,
    // Each call: a delta with id and name, then its arguments string in two pieces.
    toolCalls: (calls) =>
      calls
        .flatMap((c, index) => {
          const args = typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments);
          const half = Math.floor(args.length / 2);
          const delta = (tc: Record<string, unknown>) =>
            `data: ${JSON.stringify({ ...base(), choices: [{ index: 0, delta: { tool_calls: [{ index, ...tc }] }, finish_reason: null }] })}\n\n`;
          return [
            delta({ id: `call_${index}`, type: 'function', function: { name: c.name, arguments: '' } }),
            delta({ function: { arguments: args.slice(0, half) } }),
            delta({ function: { arguments: args.slice(half) } }),
          ];
        })
        .join(''),
    whole: (t, doneReason, s, calls) => ({
      ...base(),
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: t,
            ...(calls && calls.length > 0
              ? {
                  tool_calls: calls.map((c, i) => ({
                    id: `call_${i}`,
                    type: 'function',
                    function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) },
                  })),
                }
              : {}),
          },
          finish_reason: calls && calls.length > 0 ? 'tool_calls' : doneReason,
        },
      ],
      usage: { prompt_tokens: s.promptEvalCount, completion_tokens: s.evalCount, total_tokens: s.promptEvalCount + s.evalCount },
    }),
  };
  const lastMessage = messages[messages.length - 1];
  const last = typeof lastMessage?.content === 'string' ? lastMessage.content : '';
  const reply = fake.replies.pick('/v1/chat/completions', m.name, text, last);
  // A streamed reply that calls tools finishes with finish_reason "tool_calls".
  if (reply.toolCalls && reply.toolCalls.length > 0) {
    const final = fmt.final;
    fmt.final = (_doneReason, stats) => final('tool_calls' as 'stop', stats);
  }
  return fake.replies.play(ex, reply, fmt, b.stream === true, text.length);
}
