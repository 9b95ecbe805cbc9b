/**
 * The narrow interface the router uses to talk to one backend, whatever its kind.
 * Implementations: `OllamaBackend` (ollama.ts) and `OpenAiBackend` (openai.ts).
 *
 * Every call takes an AbortSignal that aborts the HTTP exchange at once (the server
 * sees the connection close). Failures are thrown as `BackendFailure`s (errors.ts);
 * after an abort, whatever is thrown is meaningless and the router looks at its own
 * signals instead.
 */
import type { BackendKind } from '../../protocol';
import type { ChatMessage, ModelTool, ModelToolCall } from './types';
import type { ModelTraits } from './fim';

export interface StreamedText {
  text: string;
  doneReason: 'stop' | 'length';
  promptTokens?: number;
  outputTokens?: number;
  toolCalls?: ModelToolCall[];
}

/** Generation hyperparameters, named as Ollama's `options`. */
export interface GenerationOptions {
  temperature: number;
  num_predict: number;
  num_ctx: number;
  stop: string[];
  top_p?: number;
}

export interface GenerateCall {
  model: string;
  prompt: string;
  suffix?: string;
  raw: boolean;
  options: GenerationOptions;
  keepAlive: string | number;
  signal: AbortSignal;
  onText: (delta: string) => void;
}

export interface ChatCall {
  model: string;
  messages: ChatMessage[];
  options: GenerationOptions;
  keepAlive: string | number;
  json?: boolean;
  tools?: ModelTool[];
  signal: AbortSignal;
  onText: (delta: string) => void;
  onThinking?: (delta: string) => void;
  /** Something other than answer text arrived (a tool call, reasoning); ends the first-token wait. */
  onProgress?: () => void;
}

export interface EmbedCall {
  model: string;
  input: string[];
  keepAlive: string | number;
  numCtx: number;
  signal: AbortSignal;
}

export interface ModelEntry {
  name: string;
  sizeBytes?: number;
  family?: string;
}

export interface LoadedEntry {
  name: string;
  sizeBytes?: number;
  /** Bytes in GPU memory; less than `sizeBytes` means the model runs partly on the CPU. */
  sizeVramBytes?: number;
  expiresAt?: string;
  contextLength?: number;
}

export interface ProbeResult {
  version?: string;
  /** Models the backend serves (Ollama: pulled; OpenAI-compatible: `/v1/models`). */
  models: ModelEntry[];
  /** Models loaded in memory (Ollama `/api/ps`; unknown for OpenAI-compatible). */
  loaded?: LoadedEntry[];
}

export interface BackendClient {
  readonly kind: BackendKind;
  generate(call: GenerateCall): Promise<StreamedText>;
  chat(call: ChatCall): Promise<StreamedText>;
  embed(call: EmbedCall): Promise<number[][]>;
  /** What the backend says about a model (Ollama `/api/show`); `undefined` if it cannot say. */
  show(model: string, signal: AbortSignal): Promise<ModelTraits | undefined>;
  probe(signal: AbortSignal): Promise<ProbeResult>;
  /** Load a model into memory and keep it for `keepAlive` (backends that manage loading). */
  load?(model: string, keepAlive: string | number, embedding: boolean, signal: AbortSignal): Promise<void>;
}

/** `x` and `x:latest` are the same Ollama model. */
export function sameModel(a: string, b: string): boolean {
  return withTag(a) === withTag(b);
}

export function withTag(name: string): string {
  const last = name.slice(name.lastIndexOf('/') + 1);
  return last.includes(':') ? name : `${name}:latest`;
}

/** Read an error body: Ollama `{"error": "..."}`, OpenAI `{"error": {"message": "..."}}`, or text. */
export async function errorMessageOf(res: Response): Promise<string> {
  let text = '';
  try {
    text = await res.text();
  } catch {
    return res.statusText || `HTTP ${res.status}`;
  }
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown; detail?: unknown };
    if (typeof body.error === 'string') return body.error;
    if (typeof body.error === 'object' && body.error !== null && typeof (body.error as { message?: unknown }).message === 'string') {
      return (body.error as { message: string }).message;
    }
    if (typeof body.message === 'string') return body.message;
    if (typeof body.detail === 'string') return body.detail;
  } catch {
    // Not JSON: fall through to the text itself (an HTML error page of a proxy, say).
  }
  const plain = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain || res.statusText || `HTTP ${res.status}`;
}

/** Does an HTTP 404 body say that the model is missing (rather than the endpoint)? */
export function isModelMissing(status: number, message: string): boolean {
  return status === 404 && /model|not found/i.test(message) && !/page not found/i.test(message);
}
