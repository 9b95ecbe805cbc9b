/**
 * tandemd configuration: `$TANDEM_HOME/config.json`, created with defaults on first
 * run, validated with zod (a broken file is reported with the path of each problem),
 * then environment overrides, then the in-memory overlay a client sends with
 * `tandem/settings/update`. The CLI and the daemon read the same file and variables.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { BackendKinds, TaskTypes, type TaskType } from '../protocol';
import { tandemHome } from '../protocol/home';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './storage/private-files';

/** Where Ollama listens unless told otherwise: the `local` backend's built-in URL. */
export const DEFAULT_LOCAL_URL = 'http://127.0.0.1:11434';

const HOUR_MS = 3_600_000;
/** Node's timers hold at most 2^31-1 ms (24.8 days); a longer delay fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A duration setting: an integer from `min` to `max` in `unit`, or 0 when `zero` says
 * what 0 means. Every duration has a bound well inside what a Node timer holds, so no
 * setting can overflow into a timer that fires at once; the error names the range.
 */
export function duration(unit: 'ms' | 's', min: number, max: number, zero?: string): z.ZodNumber {
  if (max * (unit === 's' ? 1000 : 1) > MAX_TIMER_MS) throw new Error(`duration bound ${max} ${unit} overflows a timer`);
  const range = `${min}..${max} ${unit === 'ms' ? 'ms' : 's'} (${human(max, unit)} at most)${zero ? `, or 0 (${zero})` : ''}`;
  const error = (issue: { input?: unknown }) =>
    `must be a whole number of ${unit === 'ms' ? 'milliseconds' : 'seconds'} in ${range}; got ${JSON.stringify(issue.input) ?? String(issue.input)}`;
  const base = z.number({ error }).int({ error });
  if (!zero) return base.min(min, { error }).max(max, { error });
  return base
    .min(0, { error })
    .max(max, { error })
    .refine((v) => v === 0 || v >= min, { error });
}

function human(value: number, unit: 'ms' | 's'): string {
  const sec = unit === 'ms' ? value / 1000 : value;
  if (sec >= 86_400 && sec % 86_400 === 0) return `${sec / 86_400} day${sec === 86_400 ? '' : 's'}`;
  if (sec >= 3600 && sec % 3600 === 0) return `${sec / 3600} h`;
  if (sec >= 60 && sec % 60 === 0) return `${sec / 60} min`;
  return `${sec} s`;
}

/** `daemon.idleTimeoutSec` (also what `tandemd serve --idle-timeout` is checked against). */
export const zIdleTimeoutSec = duration('s', 1, 7 * 86_400, 'never');

const zBackend = z.object({
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_.-]+$/),
  url: z.url({ protocol: /^https?$/ }),
  kind: z.enum(BackendKinds).default('ollama'),
  /** Lower is preferred. */
  priority: z.number().int().min(0).max(1000).default(0),
  /** Extra HTTP headers (e.g. `Authorization` for a DGX behind a proxy). Never logged. */
  headers: z.record(z.string(), z.string()).default({}),
  enabled: z.boolean().default(true),
});
export type BackendConfig = z.infer<typeof zBackend>;

const zTask = z.object({
  model: z.string().min(1),
  temperature: z.number().min(0).max(2),
  /** Max tokens to generate. */
  num_predict: z.number().int().min(1).max(32768),
  stop: z.array(z.string()).default([]),
  /** Context window requested from the backend (also the context engine's budget). */
  num_ctx: z.number().int().min(256).max(1_048_576),
  /** How long Ollama keeps the model loaded after a call ("30m", "-1" for forever). */
  keep_alive: z.union([z.string(), z.number()]).default('30m'),
  top_p: z.number().min(0).max(1).optional(),
  /** Whole-request timeout, ms. */
  timeoutMs: duration('ms', 100, HOUR_MS),
  /** Time allowed until the first token before failing over, ms. */
  firstTokenTimeoutMs: duration('ms', 50, 10 * 60_000),
});
export type TaskConfig = z.infer<typeof zTask>;

/** A regex source that must compile (used for the command allowlist). */
const zRegexSource = z
  .string()
  .min(1)
  .max(1000)
  .refine((src) => {
    try {
      new RegExp(src);
      return true;
    } catch {
      return false;
    }
  }, 'not a valid regular expression');

const zAgentConfig = z.object({
  /** Per-task limits; `tandem/agent/run` and `tandemd agent --max-steps` may override them. */
  maxToolCalls: z.number().int().min(1).max(1000).default(40),
  maxTokens: z.number().int().min(1000).max(100_000_000).default(600_000),
  maxWallSec: z.number().int().min(5).max(86_400).default(900),
  /** Failed tool calls in a row (unknown tool, invalid arguments) before the task falls back to plain chat. */
  maxConsecutiveFailures: z.number().int().min(1).max(20).default(3),
  /** Commands matching one of these (whole command line, no shell operators) run without asking. */
  commandAllowlist: z.array(zRegexSource).max(100).default([]),
  /** run_command / run_tests: time limit, seconds, and how much output is kept (head and tail), bytes. */
  commandTimeoutSec: z.number().int().min(1).max(3600).default(120),
  commandOutputBytes: z
    .number()
    .int()
    .min(1024)
    .max(4 * 1024 * 1024)
    .default(32 * 1024),
  /** The project's test command for run_tests (default: detected from package.json, pytest, cargo, go, make). */
  testCommand: z.string().min(1).max(1000).optional(),
  /** Compact older tool results when the conversation passes this share of (num_ctx − num_predict). */
  compactAt: z.number().min(0.3).max(0.95).default(0.75),
  /** Largest tool result sent to the model, characters (read_file, grep, command output…). */
  maxToolResultChars: z.number().int().min(1000).max(200_000).default(16_000),
});

const zMemoryConfig = z.object({
  /** Active notes per workspace; past it the oldest are archived (kept, searchable, not sent). */
  maxActiveNotes: z.number().int().min(1).max(10_000).default(200),
  /** Share of a prompt's context budget the relevant notes may take. */
  promptShare: z.number().min(0).max(0.5).default(0.1),
  /** Notes at most per prompt. */
  maxNotesPerPrompt: z.number().int().min(0).max(50).default(8),
});

/** One MCP server, as VS Code's mcp.json writes it. */
const zMcpServer = z.object({
  type: z.enum(['stdio', 'http', 'sse']).optional(),
  command: z.string().min(1).optional(),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.union([z.string(), z.null()])).default({}),
  envFile: z.string().optional(),
  cwd: z.string().optional(),
  url: z.url({ protocol: /^https?$/ }).optional(),
  headers: z.record(z.string(), z.string()).default({}),
  /** Tandem's own: calls to its tools run without asking. */
  trusted: z.boolean().default(false),
  disabled: z.boolean().default(false),
});

const zMcpConfig = z.object({
  servers: z.record(z.string().min(1).max(100), zMcpServer).default({}),
  /** Restarts after a crash within ten minutes before a server is left failed. */
  maxRestarts: z.number().int().min(0).max(20).default(3),
  /** Time a server gets to start and list its tools, and a tool call to answer, ms. */
  startTimeoutMs: z.number().int().min(100).max(300_000).default(20_000),
  callTimeoutMs: z.number().int().min(100).max(3_600_000).default(120_000),
});
export type McpServerConfig = z.infer<typeof zMcpServer>;

const taskDefaults: Record<TaskType, TaskConfig> = {
  complete: {
    model: 'qwen2.5-coder:1.5b-base',
    temperature: 0.1,
    num_predict: 128,
    stop: [],
    num_ctx: 4096,
    keep_alive: '30m',
    top_p: 0.9,
    timeoutMs: 10_000,
    firstTokenTimeoutMs: 4_000,
  },
  chat: {
    model: 'qwen2.5-coder:7b-instruct',
    temperature: 0.3,
    num_predict: 2048,
    stop: [],
    num_ctx: 16384,
    keep_alive: '30m',
    timeoutMs: 300_000,
    firstTokenTimeoutMs: 60_000,
  },
  fix: {
    model: 'qwen2.5-coder:7b-instruct',
    temperature: 0.1,
    num_predict: 2048,
    stop: [],
    num_ctx: 16384,
    keep_alive: '30m',
    timeoutMs: 300_000,
    firstTokenTimeoutMs: 60_000,
  },
  edit: {
    model: 'qwen2.5-coder:7b-instruct',
    temperature: 0.1,
    num_predict: 4096,
    stop: [],
    num_ctx: 16384,
    keep_alive: '30m',
    timeoutMs: 600_000,
    firstTokenTimeoutMs: 60_000,
  },
  embed: {
    model: 'nomic-embed-text',
    temperature: 0,
    num_predict: 1,
    stop: [],
    num_ctx: 2048,
    keep_alive: '30m',
    timeoutMs: 60_000,
    firstTokenTimeoutMs: 30_000,
  },
  // A tool-capable instruct model; num_ctx 32k holds a few files and tool results (docs/agent.md).
  agent: {
    model: 'qwen2.5-coder:7b-instruct',
    temperature: 0.2,
    num_predict: 4096,
    stop: [],
    num_ctx: 32768,
    keep_alive: '30m',
    timeoutMs: 600_000,
    firstTokenTimeoutMs: 120_000,
  },
  // Sweep Next-Edit 1.5B (a GGUF on Hugging Face, see docs/next-edit.md); greedy, as its card runs it.
  nextEdit: {
    model: 'hf.co/sweepai/sweep-next-edit-1.5B',
    temperature: 0,
    num_predict: 512,
    stop: [],
    num_ctx: 8192,
    keep_alive: '30m',
    timeoutMs: 15_000,
    firstTokenTimeoutMs: 6_000,
  },
};

const zTasks = z.object({
  complete: zTask.partial().default({}),
  chat: zTask.partial().default({}),
  fix: zTask.partial().default({}),
  edit: zTask.partial().default({}),
  embed: zTask.partial().default({}),
  agent: zTask.partial().default({}),
  nextEdit: zTask.partial().default({}),
});

export const zConfigFile = z.object({
  backends: z
    .array(zBackend)
    .default([{ name: 'local', url: DEFAULT_LOCAL_URL, kind: 'ollama', priority: 10, headers: {}, enabled: true }]),
  tasks: zTasks.default({ complete: {}, chat: {}, fix: {}, edit: {}, embed: {}, nextEdit: {}, agent: {} }),
  daemon: z
    .object({
      /** Exit after this many seconds without clients (0 = never). */
      idleTimeoutSec: zIdleTimeoutSec.default(900),
      /** Largest accepted protocol message. */
      maxMessageBytes: z
        .number()
        .int()
        .min(1024)
        .max(64 * 1024 * 1024)
        .default(4 * 1024 * 1024),
      /** Requests per second per connection before `RateLimited`. */
      maxRequestsPerSecond: z.number().int().min(1).default(200),
      /** Unanswered requests one connection may have at a time before `RateLimited`. */
      maxInFlightPerSession: z.number().int().min(1).max(10_000).default(32),
      /** A connection whose unsent replies stay over this many bytes (it does not read) is closed. */
      maxSendBufferBytes: z
        .number()
        .int()
        .min(64 * 1024)
        .max(1024 * 1024 * 1024)
        .default(16 * 1024 * 1024),
      logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
      /** Fixed port (0 = any free port; the lock file tells clients which). */
      port: z.number().int().min(0).max(65535).default(0),
    })
    .default({
      idleTimeoutSec: 900,
      maxMessageBytes: 4 * 1024 * 1024,
      maxRequestsPerSecond: 200,
      maxInFlightPerSession: 32,
      maxSendBufferBytes: 16 * 1024 * 1024,
      logLevel: 'info',
      port: 0,
    }),
  router: z
    .object({
      /** Consecutive failures that open a backend's circuit. */
      failureThreshold: z.number().int().min(1).default(3),
      /** How long an open circuit waits before a half-open probe, ms. */
      circuitCooldownMs: duration('ms', 100, HOUR_MS).default(15_000),
      /** Background health probe interval, ms (0 = only on demand). */
      healthIntervalMs: duration('ms', 1000, HOUR_MS, 'probe only on demand').default(30_000),
      /** Timeout of a health probe, ms. */
      probeTimeoutMs: duration('ms', 50, 60_000).default(2_000),
      /** Model calls one backend gets from this daemon at a time; more wait in its queue. */
      maxConcurrentPerBackend: z.number().int().min(1).max(256).default(8),
      /** Of those, slots only completions (and next-edit suggestions) may take. */
      reservedForInteractive: z.number().int().min(0).max(255).default(2),
      /** Calls that may wait for one backend before new ones get `Overloaded`. */
      maxQueuedPerBackend: z.number().int().min(0).max(100_000).default(256),
    })
    .default({
      failureThreshold: 3,
      circuitCooldownMs: 15_000,
      healthIntervalMs: 30_000,
      probeTimeoutMs: 2_000,
      maxConcurrentPerBackend: 8,
      reservedForInteractive: 2,
      maxQueuedPerBackend: 256,
    }),
  telemetry: z
    .object({
      /** Store the text of suggestions in the local database (off by default). */
      storeCodeText: z.boolean().default(false),
    })
    .default({ storeCodeText: false }),
  /** Settings of the context engine (see docs/configuration.md). */
  context: z.record(z.string(), z.unknown()).default({}),
  /** Agent mode: budgets, commands, compaction (docs/agent.md). */
  agent: zAgentConfig.default(zAgentConfig.parse({})),
  /** Project memory notes (docs/agent.md). */
  memory: zMemoryConfig.default(zMemoryConfig.parse({})),
  /** MCP servers for every workspace, in VS Code's `servers` format (docs/agent.md); `.vscode/mcp.json` adds to them. */
  mcp: zMcpConfig.default(zMcpConfig.parse({})),
  /** Next-edit suggestions (see docs/next-edit.md). */
  nextEdit: z
    .object({
      /** Prompt format: `auto` tells it from the model's name; set it for a model renamed on import. */
      format: z.enum(['auto', 'sweep', 'zeta', 'instinct', 'generic']).default('auto'),
      /** Retrieval of related code from other files is raced against this many ms. */
      contextDeadlineMs: z.number().int().min(0).max(2_000).default(40),
    })
    .default({ format: 'auto', contextDeadlineMs: 40 }),
});

export type ConfigFile = z.infer<typeof zConfigFile>;
export type AgentConfig = z.infer<typeof zAgentConfig>;
export type MemoryConfig = z.infer<typeof zMemoryConfig>;
export type McpConfig = z.infer<typeof zMcpConfig>;

/** The effective configuration: file + env + client overlay, tasks fully resolved. */
export interface TandemConfig extends Omit<ConfigFile, 'tasks'> {
  home: string;
  tasks: Record<TaskType, TaskConfig>;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function configPath(home: string): string {
  return join(home, 'config.json');
}

/** The config file written on first run: defaults spelled out so users can edit them. */
export function defaultConfigFile(): ConfigFile {
  const parsed = zConfigFile.parse({});
  for (const task of TaskTypes) parsed.tasks[task] = { ...taskDefaults[task] };
  return parsed;
}

export function ensureHome(home: string): void {
  mkdirSync(home, { recursive: true, mode: PRIVATE_DIR_MODE });
}

function readConfigFile(home: string): ConfigFile {
  const file = configPath(home);
  if (!existsSync(file)) {
    ensureHome(home);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(defaultConfigFile(), null, 2) + '\n', { mode: PRIVATE_FILE_MODE });
    renameSync(tmp, file);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${file} is not valid JSON (${(err as Error).message}). Fix it or delete it to get the defaults back.`);
  }
  const result = zConfigFile.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
    throw new ConfigError(`${file} has invalid settings:\n${problems}\nSee docs/configuration.md.`);
  }
  return result.data;
}

function resolveTasks(file: ConfigFile): Record<TaskType, TaskConfig> {
  const out = {} as Record<TaskType, TaskConfig>;
  for (const task of TaskTypes) out[task] = { ...taskDefaults[task], ...stripUndefined(file.tasks[task]) };
  return out;
}

function stripUndefined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * `OLLAMA_HOST` as Ollama itself reads it — `host`, `host:port`, `:port`, `[v6]:port` or
 * an `http(s)://` URL (with an optional path), quotes and spaces ignored; the port
 * defaults to 11434 (80/443 for an explicit scheme) — as the URL a client uses: a listen
 * address for every interface (empty, `0.0.0.0`, `::`) means this machine, 127.0.0.1.
 * Throws a ConfigError when it cannot be an http(s) URL.
 */
export function ollamaHostUrl(value: string): string {
  const raw = value
    .trim()
    .replace(/^["']+|["']+$/g, '')
    .trim();
  const bad = () =>
    new ConfigError(
      `OLLAMA_HOST="${value}" is not host, host:port or an http(s) URL (it sets the local Ollama URL; TANDEM_OLLAMA_URL overrides it).`,
    );
  let scheme = 'http';
  let defaultPort = '11434';
  let rest = raw;
  const sep = raw.indexOf('://');
  if (sep >= 0) {
    scheme = raw.slice(0, sep).toLowerCase();
    if (scheme !== 'http' && scheme !== 'https') throw bad();
    defaultPort = scheme === 'https' ? '443' : '80';
    rest = raw.slice(sep + 3);
  }
  const slash = rest.indexOf('/');
  const hostport = slash >= 0 ? rest.slice(0, slash) : rest;
  const path = slash >= 0 ? rest.slice(slash).replace(/\/+$/, '') : '';
  let host: string;
  let port: string | undefined;
  const v6 = /^\[([^\]]*)\](?::(.*))?$/.exec(hostport);
  if (v6) [host, port] = [v6[1]!, v6[2]];
  else if ((hostport.match(/:/g) ?? []).length > 1)
    host = hostport; // a bare IPv6 address
  else {
    const colon = hostport.lastIndexOf(':');
    [host, port] = colon >= 0 ? [hostport.slice(0, colon), hostport.slice(colon + 1)] : [hostport, undefined];
  }
  const n = Number(port);
  if (port === undefined || port === '' || !Number.isInteger(n) || n < 1 || n > 65535) port = defaultPort;
  if (host === '' || host === '0.0.0.0' || host === '::') host = '127.0.0.1';
  const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;
  if (!z.url({ protocol: /^https?$/ }).safeParse(url).success) throw bad();
  return url;
}

function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

/**
 * Environment overrides:
 * - `TANDEM_OLLAMA_URL` sets the URL of the backend named `local` (added if absent).
 * - Otherwise `OLLAMA_HOST` (Ollama's own variable) re-points a `local` backend still at
 *   the built-in URL: the least specific source, after config.json and TANDEM_OLLAMA_URL.
 * - `TANDEM_DGX_URL` adds (or re-points) a backend named `dgx`, preferred over `local`,
 *   which stays as the fallback. `TANDEM_DGX_KIND` may set it to `openai-compatible`.
 * VS Code settings come later, as the client overlay, and only when the user set them.
 */
export function applyEnv(file: ConfigFile, env: NodeJS.ProcessEnv): ConfigFile {
  const backends = file.backends.map((b) => ({ ...b, headers: { ...b.headers } }));
  const upsert = (name: string, url: string, priority: number, kind: BackendConfig['kind']) => {
    const parsedUrl = z.url({ protocol: /^https?$/ }).safeParse(url);
    if (!parsedUrl.success)
      throw new ConfigError(`${name === 'local' ? 'TANDEM_OLLAMA_URL' : 'TANDEM_DGX_URL'}="${url}" is not an http(s) URL.`);
    const existing = backends.find((b) => b.name === name);
    if (existing) {
      existing.url = url;
      existing.kind = kind;
    } else backends.push({ name, url, kind, priority, headers: {}, enabled: true });
  };
  if (env.TANDEM_OLLAMA_URL) upsert('local', env.TANDEM_OLLAMA_URL.replace(/\/+$/, ''), 10, 'ollama');
  else if (env.OLLAMA_HOST?.trim()) {
    const local = backends.find((b) => b.name === 'local');
    if (local && sameUrl(local.url, DEFAULT_LOCAL_URL)) local.url = ollamaHostUrl(env.OLLAMA_HOST);
  }
  if (env.TANDEM_DGX_URL) {
    const kind = env.TANDEM_DGX_KIND === 'openai-compatible' ? 'openai-compatible' : 'ollama';
    upsert('dgx', env.TANDEM_DGX_URL.replace(/\/+$/, ''), 0, kind);
  }
  return { ...file, backends };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): TandemConfig {
  const home = tandemHome(env);
  const file = applyEnv(readConfigFile(home), env);
  return { ...file, home, tasks: resolveTasks(file) };
}

/** Apply a client's `tandem/settings/update` overlay to a config. */
export function applyOverlay(
  base: TandemConfig,
  overlay: {
    backends?: Array<{ name: string; url: string; kind: BackendConfig['kind']; priority: number; headers?: Record<string, string> }>;
    models?: Partial<Record<TaskType, string>>;
  },
): TandemConfig {
  const tasks = { ...base.tasks };
  for (const [task, model] of Object.entries(overlay.models ?? {}) as Array<[TaskType, string | undefined]>) {
    if (model) tasks[task] = { ...tasks[task], model };
  }
  // Merge by name: a client's backend replaces the configured one of the same name (the
  // editor's `local` re-points config.json's `local`), and configured backends the
  // client does not name (a `dgx` from TANDEM_DGX_URL, a vLLM in config.json) stay.
  const fromClient = (overlay.backends ?? []).map((b) => ({ ...b, headers: b.headers ?? {}, enabled: true }));
  const named = new Set(fromClient.map((b) => b.name));
  const backends = [...base.backends.filter((b) => !named.has(b.name)), ...fromClient];
  return { ...base, backends, tasks };
}
