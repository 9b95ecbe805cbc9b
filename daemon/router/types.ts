/**
 * The contract between the daemon and its model router. The daemon depends on this
 * interface only; tests of other parts pass a fake implementing it.
 */
import type { BackendStatus, DoctorReport, TaskType } from '../../protocol';

/** Called with each piece of generated text as it streams in. */
export type DeltaSink = (delta: string) => void;

export interface GenerationResult {
  text: string;
  model: string;
  backend: string;
  /** `stop`: natural end or a stop sequence; `length`: hit the token cap. */
  doneReason: 'stop' | 'length';
  /** Ms from the start of the router call to the first streamed token (failovers included). */
  firstTokenMs: number;
  /** Ms from the start of the router call to its end. */
  totalMs: number;
  promptTokens?: number;
  outputTokens?: number;
  /** Tool calls the backend parsed from the answer (chat with `tools`). */
  toolCalls?: ModelToolCall[];
}

export interface FimRequest {
  prefix: string;
  suffix: string;
  /**
   * Repository-level context in the model family's own layout (`<|repo_name|>…<|file_sep|>`
   * for Qwen2.5-Coder, `<repo_name>…<file_sep>` for StarCoder2), put before its FIM prefix token.
   */
  repoContext?: string;
  /** Override the task's model. */
  model?: string;
  maxTokens?: number;
  /** Extra stop sequences (e.g. "\n" for a single-line completion). */
  stop?: string[];
  /** Sticky-routing key: the same key keeps the same backend while it is healthy. */
  sessionKey?: string;
  signal?: AbortSignal;
  onDelta?: DeltaSink;
}

/** A prompt sent as it is (Ollama `raw: true`), for formats with exact markers (next-edit models). */
export interface RawGenerateRequest {
  task: Extract<TaskType, 'nextEdit'>;
  prompt: string;
  model?: string;
  maxTokens?: number;
  /** Stop sequences added to the task's. */
  stop?: string[];
  sessionKey?: string;
  signal?: AbortSignal;
  onDelta?: DeltaSink;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  /** An assistant message's tool calls (sent back to the model in later turns). */
  toolCalls?: ModelToolCall[];
  /** A `tool` message: the name of the tool that produced it (Ollama `tool_name`) and the call it answers (OpenAI `tool_call_id`). */
  toolName?: string;
  toolCallId?: string;
}

/** A tool offered to the model (Ollama and OpenAI `tools` entries of type `function`). */
export interface ModelTool {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

/** A tool call as the backend reported it (arguments as given: an object, or a JSON string from OpenAI-compatible servers). */
export interface ModelToolCall {
  id?: string;
  name: string;
  arguments: unknown;
}

export interface ChatRequest {
  task: Extract<TaskType, 'chat' | 'fix' | 'edit' | 'nextEdit' | 'agent'>;
  messages: ChatMessage[];
  /** Offer these tools natively (Ollama `tools`, OpenAI `tools`); calls come back in `toolCalls`. */
  tools?: ModelTool[];
  /** Reasoning text of thinking models (Ollama `message.thinking`), kept out of `text`. */
  onThinking?: DeltaSink;
  model?: string;
  maxTokens?: number;
  sessionKey?: string;
  signal?: AbortSignal;
  onDelta?: DeltaSink;
  /** Ask for JSON output (Ollama `format: "json"`, OpenAI `response_format`). */
  json?: boolean;
}

export interface EmbedRequest {
  input: string[];
  model?: string;
  signal?: AbortSignal;
}

export interface EmbedResult {
  embeddings: number[][];
  model: string;
  backend: string;
}

/** One model call the router completed (for usage accounting: tokens in/out per task). */
export interface ModelUsage {
  task: TaskType;
  model: string;
  backend: string;
  /** Epoch ms when the call finished. */
  at: number;
  promptTokens?: number;
  outputTokens?: number;
  firstTokenMs: number;
  totalMs: number;
}

export interface ModelRouter {
  /** Fill-in-the-middle completion, streamed through `onDelta`. */
  complete(req: FimRequest): Promise<GenerationResult>;
  /** A raw prompt (no template) to the task's model, streamed through `onDelta`. */
  generate(req: RawGenerateRequest): Promise<GenerationResult>;
  chat(req: ChatRequest): Promise<GenerationResult>;
  embed(req: EmbedRequest): Promise<EmbedResult>;
  /** Current health of every backend. */
  status(): BackendStatus[];
  /** True if some enabled backend is not known to be down and not circuit-open for this task. */
  canServe(task: TaskType): boolean;
  /** Probe every backend now (reachability, version, models, loaded models). */
  probeAll(): Promise<BackendStatus[]>;
  /** Full diagnosis for `tandemd doctor` and the doctor command. */
  doctor(): Promise<DoctorReport>;
  /**
   * Optional: load the task's model now on the backend the task would use (Ollama: an
   * empty request with the task's keep_alive), so the first real call does not wait for
   * a model load. Resolves to that backend's name, or undefined when none could load it.
   * Never rejects.
   */
  warm?(task: TaskType): Promise<string | undefined>;
  /** Optional: be told of every completed generation (complete, chat, fix, edit, nextEdit). */
  onUsage?(listener: (usage: ModelUsage) => void): () => void;
  /** Fired when a backend's health or circuit state changes. */
  onStatusChange(listener: (status: BackendStatus[]) => void): () => void;
  dispose(): void;
}
