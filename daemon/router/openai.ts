/**
 * An OpenAI-compatible backend (vLLM, llama.cpp server, LM Studio, Ollama's `/v1`):
 * `fetch` with Server-Sent Events parsed by `eventsource-parser`.
 *
 * FIM goes to `/v1/completions` with `suffix`; chat, fix and edit to
 * `/v1/chat/completions`; embeddings to `/v1/embeddings`; the health probe reads
 * `/v1/models`.
 */
import { httpFetch } from './http-fetch';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import type { BackendClient, ChatCall, EmbedCall, GenerateCall, GenerationOptions, ProbeResult, StreamedText } from './backend';
import { errorMessageOf, isModelMissing } from './backend';
import { BackendFailure, httpFailure, modelNotFound, networkFailure, protocolFailure } from './errors';
import type { ChatMessage } from './types';

/** A chat message in OpenAI's shape: assistant tool calls with arguments as JSON strings, tool results with `tool_call_id`. */
function toOpenAiMessage(m: ChatMessage): Record<string, unknown> {
  if (m.role === 'tool') return { role: 'tool', content: m.content, tool_call_id: m.toolCallId ?? m.toolName ?? 'call' };
  if (m.role === 'assistant' && m.toolCalls && m.toolCalls.length > 0) {
    return {
      role: 'assistant',
      content: m.content,
      tool_calls: m.toolCalls.map((c, i) => ({
        id: c.id ?? `call_${i}`,
        type: 'function',
        function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments ?? {}) },
      })),
    };
  }
  return { role: m.role, content: m.content };
}

export interface OpenAiBackendOptions {
  name: string;
  url: string;
  headers: Record<string, string>;
}

interface SseToolCallDelta {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

interface SseChunk {
  choices?: Array<{
    text?: string;
    delta?: { content?: string | null; reasoning_content?: string | null; tool_calls?: SseToolCallDelta[] | null };
    finish_reason?: string | null;
  }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: { message?: string } | string;
}

export class OpenAiBackend implements BackendClient {
  readonly kind = 'openai-compatible' as const;
  private readonly base: string;

  constructor(private readonly opts: OpenAiBackendOptions) {
    this.base = opts.url.replace(/\/+$/, '').replace(/\/v1$/, '');
  }

  private async request(path: string, signal: AbortSignal, body?: unknown, model?: string): Promise<Response> {
    const { name, url } = this.opts;
    let res: Response;
    try {
      res = await httpFetch(`${this.base}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          ...this.opts.headers,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          Accept: body !== undefined && (body as { stream?: boolean }).stream ? 'text/event-stream' : 'application/json',
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (err) {
      if (signal.aborted) throw err;
      throw networkFailure(name, url, err);
    }
    if (!res.ok) {
      const message = await errorMessageOf(res);
      if (model !== undefined && isModelMissing(res.status, message)) throw modelNotFound(name, url, model, 'openai-compatible', message);
      throw httpFailure(name, url, res.status, message);
    }
    return res;
  }

  private sampling(options: GenerationOptions): Record<string, unknown> {
    return {
      max_tokens: options.num_predict,
      temperature: options.temperature,
      ...(options.top_p !== undefined ? { top_p: options.top_p } : {}),
      ...(options.stop.length > 0 ? { stop: options.stop } : {}),
    };
  }

  private async stream(
    path: string,
    body: Record<string, unknown>,
    model: string,
    signal: AbortSignal,
    pick: (c: SseChunk) => string | undefined,
    onText: (d: string) => void,
    onChunk?: (c: SseChunk) => void,
  ): Promise<StreamedText> {
    const { name, url } = this.opts;
    try {
      const res = await this.request(path, signal, { ...body, stream: true, stream_options: { include_usage: true } }, model);
      if (!res.body) throw protocolFailure(name, url, 'sent an empty response.');
      const reader = res.body
        .pipeThrough(new TextDecoderStream())
        .pipeThrough(new EventSourceParserStream({ onError: 'terminate' }))
        .getReader();
      let text = '';
      let finish: string | null | undefined;
      let sawDone = false;
      let promptTokens: number | undefined;
      let outputTokens: number | undefined;
      try {
        while (true) {
          const { done, value } = await reader.read();
          if (done) break;
          if (value.data === '[DONE]') {
            sawDone = true;
            break;
          }
          let chunk: SseChunk;
          try {
            chunk = JSON.parse(value.data) as SseChunk;
          } catch {
            throw protocolFailure(name, url, `sent an event that is not JSON: ${JSON.stringify(value.data.slice(0, 120))}`);
          }
          if (chunk.error !== undefined) {
            const msg = typeof chunk.error === 'string' ? chunk.error : (chunk.error.message ?? JSON.stringify(chunk.error));
            throw protocolFailure(name, url, `reported an error mid-stream: ${msg}`);
          }
          onChunk?.(chunk);
          const delta = pick(chunk);
          if (delta) {
            text += delta;
            onText(delta);
          }
          const fr = chunk.choices?.[0]?.finish_reason;
          if (fr) finish = fr;
          if (chunk.usage) {
            promptTokens = chunk.usage.prompt_tokens;
            outputTokens = chunk.usage.completion_tokens;
          }
        }
      } finally {
        // Ends the HTTP exchange too when we stop early (error or [DONE] before EOF).
        void reader.cancel().catch(() => undefined);
      }
      if (!sawDone && !finish) throw protocolFailure(name, url, 'ended the stream before it was complete.');
      return { text, doneReason: finish === 'length' ? 'length' : 'stop', promptTokens, outputTokens };
    } catch (err) {
      throw this.failure(err, signal);
    }
  }

  private failure(err: unknown, signal: AbortSignal): unknown {
    if (signal.aborted || err instanceof BackendFailure) return err;
    const { name, url } = this.opts;
    const message = err instanceof Error ? err.message : String(err);
    if ((err as { name?: string }).name === 'ParseError')
      return protocolFailure(name, url, `sent a malformed event stream (${message}).`, err);
    if (err instanceof TypeError) return protocolFailure(name, url, `closed the connection mid-stream (${message}).`, err);
    return protocolFailure(name, url, `failed: ${message}`, err);
  }

  generate(call: GenerateCall): Promise<StreamedText> {
    return this.stream(
      '/v1/completions',
      {
        model: call.model,
        prompt: call.prompt,
        ...(call.suffix !== undefined ? { suffix: call.suffix } : {}),
        ...this.sampling(call.options),
      },
      call.model,
      call.signal,
      (c) => c.choices?.[0]?.text,
      call.onText,
    );
  }

  async chat(call: ChatCall): Promise<StreamedText> {
    const calls = new Map<number, { id?: string; name: string; arguments: string }>();
    const result = await this.stream(
      '/v1/chat/completions',
      {
        model: call.model,
        messages: call.messages.map(toOpenAiMessage),
        ...this.sampling(call.options),
        ...(call.json ? { response_format: { type: 'json_object' } } : {}),
        ...(call.tools && call.tools.length > 0
          ? {
              tools: call.tools.map((t) => ({
                type: 'function',
                function: { name: t.name, description: t.description, parameters: t.parameters },
              })),
            }
          : {}),
      },
      call.model,
      call.signal,
      (c) => c.choices?.[0]?.delta?.content ?? undefined,
      call.onText,
      (c) => {
        const delta = c.choices?.[0]?.delta;
        if (delta?.reasoning_content) {
          call.onProgress?.();
          call.onThinking?.(delta.reasoning_content);
        }
        for (const [k, tc] of (delta?.tool_calls ?? []).entries()) {
          call.onProgress?.();
          const index = typeof tc.index === 'number' ? tc.index : k;
          const entry = calls.get(index) ?? { name: '', arguments: '' };
          if (tc.id) entry.id = tc.id;
          if (tc.function?.name) entry.name += tc.function.name;
          if (tc.function?.arguments) entry.arguments += tc.function.arguments;
          calls.set(index, entry);
        }
      },
    );
    const toolCalls = [...calls.entries()]
      .sort(([a], [b]) => a - b)
      .filter(([, c]) => c.name !== '')
      .map(([, c]) => ({ ...(c.id ? { id: c.id } : {}), name: c.name, arguments: c.arguments }));
    return toolCalls.length > 0 ? { ...result, toolCalls } : result;
  }

  async embed(call: EmbedCall): Promise<number[][]> {
    const { name, url } = this.opts;
    try {
      const res = await this.request('/v1/embeddings', call.signal, { model: call.model, input: call.input }, call.model);
      const body = (await res.json()) as { data?: Array<{ embedding: number[]; index: number }> };
      if (!Array.isArray(body.data) || body.data.length !== call.input.length) {
        throw protocolFailure(
          name,
          url,
          `returned ${Array.isArray(body.data) ? body.data.length : 'no'} embeddings for ${call.input.length} inputs.`,
        );
      }
      return [...body.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
    } catch (err) {
      throw this.failure(err, call.signal);
    }
  }

  /** OpenAI-compatible servers do not describe their models' templates. */
  show(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  async probe(signal: AbortSignal): Promise<ProbeResult> {
    try {
      const res = await this.request('/v1/models', signal);
      const body = (await res.json()) as { data?: Array<{ id?: unknown }> };
      const models = (body.data ?? []).flatMap((m) => (typeof m.id === 'string' ? [{ name: m.id }] : []));
      return { models };
    } catch (err) {
      throw this.failure(err, signal);
    }
  }
}
