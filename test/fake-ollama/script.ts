/**
 * The script of a fake Ollama server: which models it has and how it replies.
 *
 * The same shape is accepted programmatically (`new FakeOllama(script)`,
 * `fake.setScript(...)`, `fake.addRule(...)`) and as the JSON file given to the CLI
 * (`node --import tsx test/fake-ollama/cli.ts --port 0 --script script.json`).
 * In JSON, `match` is a plain substring; programmatically it may also be a RegExp
 * (or use `matchRegex` with a regex source string in either form).
 *
 * Example script file:
 * ```json
 * {
 *   "version": "0.12.6",
 *   "models": [
 *     { "name": "qwen2.5-coder:1.5b-base", "capabilities": ["completion", "insert"] },
 *     { "name": "deepseek-coder:1.3b-base" },
 *     { "name": "nomic-embed-text", "capabilities": ["embedding"], "embeddingDim": 768 }
 *   ],
 *   "loaded": ["qwen2.5-coder:1.5b-base"],
 *   "defaultReply": { "chunks": ["return", " a", " + b"] },
 *   "rules": [
 *     { "path": "/api/generate", "match": "slow", "firstTokenDelayMs": 500, "chunkDelayMs": 20 },
 *     { "path": "/api/generate", "times": 1, "status": 500, "error": "llama runner process has terminated" },
 *     { "path": "/api/chat", "match": "cut", "chunks": ["a", "b", "c"], "disconnectAfterChunks": 2 },
 *     { "match": "junk", "garbage": { "afterChunks": 1, "line": "<html>502 Bad Gateway</html>" } },
 *     { "match": "stall", "hang": true }
 *   ]
 * }
 * ```
 *
 * Rule matching: the first rule (in order) whose `path`, `model`, `match` / `matchRegex`
 * all fit the request and whose `times` is not used up decides the reply; otherwise
 * `defaultReply` applies. The text matched is what the model would see: `prompt` and
 * `suffix` for generate/completions, every message's content for chat, the inputs for
 * embeddings.
 */

/** A model the fake has "pulled". Everything but `name` has a realistic default. */
export interface FakeModel {
  /** `name:tag`; a name without a tag means `:latest`, as in Ollama. */
  name: string;
  /** `details.family` of `/api/show` and `/api/tags`; default guessed from the name. */
  family?: string;
  families?: string[];
  /** `template` of `/api/show`; default: a template that references `.Suffix` when the model has the `insert` capability. */
  template?: string;
  /** `/api/show` capabilities. Default: `["embedding"]` for embed models (name contains "embed"), else `["completion"]`. */
  capabilities?: string[];
  /** `parameters` text of `/api/show` (e.g. `stop "<|endoftext|>"`). */
  parameters?: string;
  parameterSize?: string;
  quantizationLevel?: string;
  /** Bytes on disk (`/api/tags` size) and in memory when loaded (`/api/ps` size). */
  sizeBytes?: number;
  /** Bytes in GPU memory when loaded (`/api/ps` size_vram); less than `sizeBytes` means partly on CPU. */
  sizeVramBytes?: number;
  contextLength?: number;
  /** Length of vectors from `/api/embed` for this model. Default 768. */
  embeddingDim?: number;
}

export type FakeEndpoint =
  '/api/generate' | '/api/chat' | '/api/embed' | '/api/embeddings' | '/v1/completions' | '/v1/chat/completions' | '/v1/embeddings';

/** How to answer one request. All fields optional; an empty reply streams `defaultText`. */
export interface FakeReply {
  /** Text pieces, one per streamed chunk (non-stream replies join them). */
  chunks?: string[];
  /** Delay before the response headers and first chunk, ms (a model load / prompt eval). */
  firstTokenDelayMs?: number;
  /** Delay between chunks, ms. */
  chunkDelayMs?: number;
  /** `done_reason` / `finish_reason` of the final chunk. Default `stop`. */
  doneReason?: 'stop' | 'length';
  /** Answer with this HTTP status and an error body instead of a stream. */
  status?: number;
  /** Error message for `status` (Ollama: `{"error": msg}`; OpenAI paths: `{"error": {"message": msg, ...}}`). */
  error?: string;
  /** Raw error body (e.g. an HTML proxy page), sent with `errorContentType` instead of JSON. */
  errorBody?: string;
  errorContentType?: string;
  /** Destroy the connection after this many chunks (0: before any response byte). */
  disconnectAfterChunks?: number;
  /** Send a non-JSON line after `afterChunks` chunks, then carry on. */
  garbage?: { afterChunks: number; line?: string };
  /** Send an in-stream `{"error": ...}` line after `afterChunks` chunks and end the stream. */
  streamError?: { afterChunks: number; message: string };
  /** Never answer (no headers), until the client goes away or the server stops. */
  hang?: boolean;
  /** Send this many chunks, then stall forever without ending the response. */
  hangAfterChunks?: number;
  /** Token counts reported in the final chunk. Defaults: prompt length / 4, chunk count. */
  promptEvalCount?: number;
  evalCount?: number;
  /**
   * Chat only: tool calls the model makes after the text chunks, as Ollama's parser
   * reports them — `/api/chat`: one chunk whose `message.tool_calls` holds every call
   * (`function.name`, `function.arguments` as an object, `function.index`) and an empty
   * content; `/v1/chat/completions`: `delta.tool_calls` with an id and the arguments as
   * a JSON string in pieces, then `finish_reason: "tool_calls"`. `arguments` given as a
   * string is sent as that string (a model that emitted malformed arguments).
   */
  toolCalls?: Array<{ name: string; arguments: Record<string, unknown> | string }>;
  /** Chat only: reasoning pieces streamed before the text (`message.thinking`), as thinking models do. */
  thinking?: string[];
}

export interface FakeRule extends FakeReply {
  /** Endpoint(s) the rule applies to; all generation and embedding endpoints when omitted. */
  path?: FakeEndpoint | FakeEndpoint[];
  /** Only requests for this model (tag-normalised: `x` equals `x:latest`). */
  model?: string;
  /** The request's text contains this (string) or matches it (RegExp). */
  match?: string | RegExp;
  /** Regex source, for JSON scripts. */
  matchRegex?: string;
  /** Chat only: the last message's content contains this (the newest tool result or question). */
  matchLast?: string;
  /** Apply at most this many times, then skip the rule. */
  times?: number;
}

export interface FakeScript {
  /** `/api/version`. Default `0.12.6`. */
  version?: string;
  models?: FakeModel[];
  /** Models loaded in memory at start (`/api/ps`). */
  loaded?: string[];
  /** Most models kept loaded at once (OLLAMA_MAX_LOADED_MODELS); loading another evicts the least recently used. Default 3. */
  maxLoadedModels?: number;
  /**
   * Models `/api/pull` can fetch: `"any"` (default: any name, defaults guessed from it)
   * or a list (others fail with `pull model manifest: file does not exist`).
   */
  pullable?: 'any' | FakeModel[];
  rules?: FakeRule[];
  defaultReply?: FakeReply;
}

/** Tandem's default next-edit model as Ollama lists it after `ollama pull hf.co/sweepai/sweep-next-edit-1.5B` (a GGUF without a FIM template). */
export function tandemNextEditModel(): FakeModel {
  return { name: 'hf.co/sweepai/sweep-next-edit-1.5B:latest', family: 'qwen2', capabilities: ['completion'], parameterSize: '1.5B' };
}

/** Tandem's default models with the shapes a real Ollama reports for them (the next-edit one is `tandemNextEditModel`). */
export function tandemDefaultModels(): FakeModel[] {
  return [
    { name: 'qwen2.5-coder:1.5b-base', family: 'qwen2', capabilities: ['completion', 'insert'], parameterSize: '1.5B' },
    { name: 'qwen2.5-coder:7b-instruct', family: 'qwen2', capabilities: ['completion', 'tools', 'insert'], parameterSize: '7.6B' },
    { name: 'nomic-embed-text:latest', family: 'nomic-bert', capabilities: ['embedding'], parameterSize: '137M', embeddingDim: 768 },
  ];
}
