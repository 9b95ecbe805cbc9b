/**
 * An Ollama backend through the `ollama` npm package.
 *
 * The package aborts a stream only through the iterator's `abort()` and has no
 * per-request signal for the other calls, so each call gets a light client whose
 * `fetch` is ours (over node:http, see http-fetch.ts): it merges the call's AbortSignal into every request (aborting it
 * closes the upstream connection at once, before or after the headers), turns HTTP
 * errors into classified failures (so the package never prints to the console), and
 * guards NDJSON streams: a line that is not JSON fails the stream with a clear error
 * instead of being skipped with a console warning.
 */
import { Ollama, type Message } from 'ollama';
import type { BackendClient, ChatCall, EmbedCall, GenerateCall, ProbeResult, StreamedText } from './backend';
import { errorMessageOf, isModelMissing } from './backend';
import { BackendFailure, httpFailure, modelNotFound, networkFailure, protocolFailure } from './errors';
import type { ModelTraits } from './fim';
import { httpFetch } from './http-fetch';
import type { ChatMessage, ModelToolCall } from './types';

export interface OllamaBackendOptions {
  name: string;
  url: string;
  headers: Record<string, string>;
}

interface StreamPart {
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
}

export class OllamaBackend implements BackendClient {
  readonly kind = 'ollama' as const;

  constructor(private readonly opts: OllamaBackendOptions) {}

  private client(signal: AbortSignal, model?: string): Ollama {
    return new Ollama({ host: this.opts.url, headers: this.opts.headers, fetch: this.fetchFor(signal, model) });
  }

  private fetchFor(signal: AbortSignal, model: string | undefined): typeof fetch {
    const { name, url } = this.opts;
    return async (input, init) => {
      const merged = init?.signal ? AbortSignal.any([init.signal, signal]) : signal;
      let res: Response;
      try {
        res = await httpFetch(input, { ...init, signal: merged });
      } catch (err) {
        if (signal.aborted) throw err;
        throw networkFailure(name, url, err);
      }
      if (!res.ok) {
        const message = await errorMessageOf(res);
        if (model !== undefined && isModelMissing(res.status, message)) throw modelNotFound(name, url, model, 'ollama', message);
        throw httpFailure(name, url, res.status, message);
      }
      const type = res.headers.get('content-type') ?? '';
      if (res.body && type.includes('ndjson')) {
        return new Response(
          res.body.pipeThrough(
            ndjsonGuard((line) => protocolFailure(name, url, `sent a line that is not JSON: ${JSON.stringify(line.slice(0, 120))}`)),
          ),
          {
            status: res.status,
            statusText: res.statusText,
            headers: res.headers,
          },
        );
      }
      return res;
    };
  }

  /** Map what the package or the stream threw to a BackendFailure (unless aborted). */
  private failure(err: unknown, signal: AbortSignal): unknown {
    if (signal.aborted || err instanceof BackendFailure) return err;
    const { name, url } = this.opts;
    const message = err instanceof Error ? err.message : String(err);
    if (message.startsWith('Did not receive done')) return protocolFailure(name, url, 'ended the stream before its final chunk.', err);
    if (err instanceof TypeError) {
      // undici: "terminated" when the connection drops mid-body.
      return protocolFailure(name, url, `closed the connection mid-stream (${message}).`, err);
    }
    if (err instanceof SyntaxError) return protocolFailure(name, url, `sent a response that is not JSON (${message}).`, err);
    // The package throws the `error` of an in-stream `{"error": ...}` line as a plain Error.
    return protocolFailure(name, url, `reported an error mid-stream: ${message}`, err);
  }

  private async consume(
    iterable: AsyncIterable<StreamPart>,
    pick: (part: StreamPart) => string | undefined,
    onText: (d: string) => void,
  ): Promise<StreamedText> {
    let text = '';
    let doneReason: 'stop' | 'length' = 'stop';
    let promptTokens: number | undefined;
    let outputTokens: number | undefined;
    for await (const part of iterable) {
      const delta = pick(part);
      if (delta) {
        text += delta;
        onText(delta);
      }
      if (part.done) {
        doneReason = part.done_reason === 'length' ? 'length' : 'stop';
        promptTokens = part.prompt_eval_count;
        outputTokens = part.eval_count;
      }
    }
    return { text, doneReason, promptTokens, outputTokens };
  }

  async generate(call: GenerateCall): Promise<StreamedText> {
    try {
      const stream = await this.client(call.signal, call.model).generate({
        model: call.model,
        prompt: call.prompt,
        ...(call.suffix !== undefined ? { suffix: call.suffix } : {}),
        raw: call.raw,
        stream: true,
        keep_alive: call.keepAlive,
        options: { ...call.options },
      });
      return await this.consume(stream, (p) => (p as { response?: string }).response, call.onText);
    } catch (err) {
      throw this.failure(err, call.signal);
    }
  }

  async chat(call: ChatCall): Promise<StreamedText> {
    try {
      const stream = await this.client(call.signal, call.model).chat({
        model: call.model,
        messages: call.messages.map(toOllamaMessage),
        stream: true,
        keep_alive: call.keepAlive,
        ...(call.json ? { format: 'json' } : {}),
        ...(call.tools && call.tools.length > 0
          ? {
              tools: call.tools.map((t) => ({
                type: 'function',
                function: { name: t.name, description: t.description, parameters: t.parameters },
              })),
            }
          : {}),
        options: { ...call.options },
      });
      const toolCalls: ModelToolCall[] = [];
      const result = await this.consume(
        stream,
        (p) => {
          const message = (p as { message?: OllamaStreamMessage }).message;
          if (message?.thinking) {
            call.onProgress?.();
            call.onThinking?.(message.thinking);
          }
          for (const tc of message?.tool_calls ?? []) {
            if (typeof tc?.function?.name !== 'string') continue;
            call.onProgress?.();
            toolCalls.push({
              ...(typeof tc.id === 'string' ? { id: tc.id } : {}),
              name: tc.function.name,
              arguments: tc.function.arguments ?? {},
            });
          }
          return message?.content;
        },
        call.onText,
      );
      return toolCalls.length > 0 ? { ...result, toolCalls } : result;
    } catch (err) {
      throw this.failure(err, call.signal);
    }
  }

  async embed(call: EmbedCall): Promise<number[][]> {
    try {
      const res = await this.client(call.signal, call.model).embed({
        model: call.model,
        input: call.input,
        truncate: true,
        keep_alive: call.keepAlive,
        options: { num_ctx: call.numCtx },
      });
      if (!Array.isArray(res.embeddings) || res.embeddings.length !== call.input.length) {
        throw protocolFailure(
          this.opts.name,
          this.opts.url,
          `returned ${Array.isArray(res.embeddings) ? res.embeddings.length : 'no'} embeddings for ${call.input.length} inputs.`,
        );
      }
      return res.embeddings;
    } catch (err) {
      throw this.failure(err, call.signal);
    }
  }

  async show(model: string, signal: AbortSignal): Promise<ModelTraits> {
    try {
      const res = await this.client(signal, model).show({ model });
      return {
        family: res.details?.family,
        families: res.details?.families ?? undefined,
        template: res.template,
        capabilities: Array.isArray(res.capabilities) ? res.capabilities : undefined,
      };
    } catch (err) {
      throw this.failure(err, signal);
    }
  }

  /** An empty generate (or embed) loads the model and sets its keep_alive, as `ollama run` does. */
  async load(model: string, keepAlive: string | number, embedding: boolean, signal: AbortSignal): Promise<void> {
    try {
      const client = this.client(signal, model);
      if (embedding) await client.embed({ model, input: [], keep_alive: keepAlive });
      else await client.generate({ model, prompt: '', stream: false, keep_alive: keepAlive });
    } catch (err) {
      throw this.failure(err, signal);
    }
  }

  async probe(signal: AbortSignal): Promise<ProbeResult> {
    const client = this.client(signal);
    try {
      // Version first: when it fails, its error says the most (not Ollama, auth, down).
      const version = await client.version();
      const [tags, ps] = await Promise.all([client.list(), client.ps()]);
      return {
        version: version.version,
        models: tags.models.map((m) => ({ name: m.name, sizeBytes: m.size, family: m.details?.family })),
        loaded: ps.models.map((m) => ({
          name: m.name,
          sizeBytes: m.size,
          sizeVramBytes: m.size_vram,
          expiresAt: m.expires_at ? String(m.expires_at) : undefined,
          contextLength: (m as { context_length?: number }).context_length,
        })),
      };
    } catch (err) {
      throw this.failure(err, signal);
    }
  }
}

/** What a streamed `/api/chat` chunk's `message` may hold. */
interface OllamaStreamMessage {
  content?: string;
  thinking?: string;
  tool_calls?: Array<{ id?: unknown; function?: { name?: unknown; arguments?: unknown } }>;
}

/** A chat message in Ollama's shape: assistant tool calls with arguments as objects, tool results with `tool_name`. */
function toOllamaMessage(m: ChatMessage): Message {
  const out: Message = { role: m.role, content: m.content };
  if (m.toolCalls && m.toolCalls.length > 0) {
    out.tool_calls = m.toolCalls.map((c) => ({ function: { name: c.name, arguments: argumentsObject(c.arguments) } }));
  }
  if (m.role === 'tool' && m.toolName) out.tool_name = m.toolName;
  return out;
}

/** Ollama wants arguments as an object; a JSON string (from an OpenAI-style call) is parsed, anything else wrapped. */
function argumentsObject(args: unknown): Record<string, unknown> {
  if (typeof args === 'object' && args !== null && !Array.isArray(args)) return args as Record<string, unknown>;
  if (typeof args === 'string') {
    try {
      const parsed: unknown = JSON.parse(args);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // Not JSON: sent as the single value below.
    }
  }
  return { value: args };
}

/** Pass an NDJSON byte stream through, failing it at the first complete line that is not JSON. */
export function ndjsonGuard(onGarbage: (line: string) => Error): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  let pending = '';
  const check = (line: string): boolean => {
    const t = line.trim();
    if (t === '') return true;
    try {
      JSON.parse(t);
      return true;
    } catch {
      return false;
    }
  };
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      pending += decoder.decode(chunk, { stream: true });
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (!check(line)) {
          controller.error(onGarbage(line.trim()));
          return;
        }
        nl = pending.indexOf('\n');
      }
      controller.enqueue(chunk);
    },
    flush(controller) {
      pending += decoder.decode();
      if (!check(pending)) controller.error(onGarbage(pending.trim()));
    },
  });
}
