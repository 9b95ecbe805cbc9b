/**
 * Lifecycle, configuration and status messages.
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import { MessageDirection, z, zPath } from '../define';
import type { TandemErrorData } from '../errors';
import { zAgentCapabilities } from './agent';

/** Since 1.1: `nextEdit` (next-edit suggestions, a next-edit-trained model) and `agent` (the tool-calling loop of agent mode; its model needs the `tools` capability). */
export const TaskTypes = ['complete', 'chat', 'fix', 'edit', 'embed', 'nextEdit', 'agent'] as const;
/** What a model call is for; each task has its own model and hyperparameters. */
export type TaskType = (typeof TaskTypes)[number];
export const zTaskType = z.enum(TaskTypes);

export const BackendKinds = ['ollama', 'openai-compatible'] as const;
export type BackendKind = (typeof BackendKinds)[number];

/** A backend as a client may set it (from its settings). Secrets travel in `headers`. */
export const zBackendSetting = z.object({
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, dot, dash and underscore only'),
  url: z.url({ protocol: /^https?$/ }).max(2048),
  kind: z.enum(BackendKinds).default('ollama'),
  priority: z.number().int().min(0).max(1000).default(0),
  headers: z.record(z.string().max(256), z.string().max(8192)).optional(),
});
export type BackendSetting = z.infer<typeof zBackendSetting>;

/** Health of one backend as the router sees it. */
export interface BackendStatus {
  name: string;
  url: string;
  kind: BackendKind;
  priority: number;
  /** `up`: last call or probe succeeded; `down`: failing; `unknown`: not yet probed. */
  health: 'up' | 'down' | 'unknown';
  /** Circuit breaker state: `open` means calls are skipped until a half-open probe succeeds. */
  circuit: 'closed' | 'open' | 'half-open';
  consecutiveFailures: number;
  /** Exponentially weighted latency to first token / response, ms; null before any call. */
  latencyMs: number | null;
  lastError?: string;
  lastCheckedAt?: number;
  /** Models the backend reports (`/api/tags`); undefined if unknown. */
  models?: string[];
  /** Models currently loaded in memory (`/api/ps`). */
  loaded?: string[];
  version?: string;
}

export interface ClientInfo {
  name: string;
  version: string;
}

/**
 * `initialize` — client → daemon, first message on every connection.
 * Params: protocol version, client name/version, capabilities, workspace roots.
 * Result: the daemon's protocol version, version, capabilities and a session id.
 * Error: `ProtocolVersionMismatch` when majors differ (the message names both versions).
 * Since 1.0.
 */
export namespace InitializeRequest {
  export const method = 'initialize' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({
    protocolVersion: z.object({ major: z.number().int().nonnegative(), minor: z.number().int().nonnegative() }),
    client: z.object({ name: z.string().min(1).max(100), version: z.string().max(50) }),
    capabilities: z
      .object({
        /** The client understands `tandem/stream/delta` notifications. */
        streaming: z.boolean().optional(),
        /** The client wants `tandem/status/changed` and `tandem/log` notifications. */
        statusNotifications: z.boolean().optional(),
        /** Since 1.1: the agent-mode requests the daemon may send this client (see protocol/messages/agent.ts). */
        agent: zAgentCapabilities.optional(),
      })
      .default({}),
    workspaceRoots: z.array(zPath).max(64).optional(),
  });
  export type Params = z.input<typeof params>;
  export interface Result {
    protocolVersion: { major: number; minor: number };
    daemon: { name: 'tandemd'; version: string; pid: number };
    /** Stable per connection; also the default sticky-routing key. */
    sessionId: string;
    capabilities: {
      tasks: TaskType[];
      /** Names of optional features this daemon implements (e.g. `context`, `telemetry`). */
      features: string[];
    };
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/**
 * `tandem/daemon/shutdown` — client → daemon. Stops the daemon after replying
 * (used by `tandemd stop`). Since 1.0.
 */
export namespace ShutdownRequest {
  export const method = 'tandem/daemon/shutdown' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.undefined();
  export type Params = void;
  export interface Result {
    stopping: true;
  }
  export const type = new RequestType0<Result, TandemErrorData>(method);
}

/**
 * `tandem/settings/update` — client → daemon. Overlays the client's settings (from VS
 * Code) on the daemon's config file: each backend replaces the configured one of the
 * same name (others stay), models override per task. The overlay lives in memory;
 * config.json is not rewritten.
 * Result: the effective routing configuration. Since 1.0.
 */
export namespace SettingsUpdateRequest {
  export const method = 'tandem/settings/update' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({
    backends: z.array(zBackendSetting).max(16).optional(),
    models: z.partialRecord(zTaskType, z.string().min(1).max(200)).optional(),
  });
  export type Params = z.input<typeof params>;
  export interface Result {
    backends: Array<{ name: string; url: string; kind: BackendKind; priority: number }>;
    models: Record<TaskType, string>;
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/** Daemon state as shown in the status bar and `/ready`. */
export interface DaemonStatus {
  version: string;
  pid: number;
  uptimeSec: number;
  /** True when storage is open and at least one backend can serve completions. */
  ready: boolean;
  /** Why not ready (or degraded), each a sentence a user can act on. */
  reasons: string[];
  clients: number;
  backends: BackendStatus[];
  /** Per registered workspace root, when the context engine is indexing. */
  indexing?: Array<{ root: string; filesDone: number; filesTotal: number; state: 'indexing' | 'ready' | 'error' }>;
}

/** `tandem/status/get` — client → daemon. Result: `DaemonStatus`. Since 1.0. */
export namespace StatusRequest {
  export const method = 'tandem/status/get' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.undefined();
  export type Params = void;
  export type Result = DaemonStatus;
  export const type = new RequestType0<Result, TandemErrorData>(method);
}

/** `tandem/status/changed` — daemon → client, when readiness or backend health changes. Since 1.0. */
export namespace StatusChangedNotification {
  export const method = 'tandem/status/changed' as const;
  export const messageDirection = MessageDirection.serverToClient;
  export type Params = DaemonStatus;
  export const type = new NotificationType<Params>(method);
}

/** One finding of the doctor. */
export interface DoctorCheck {
  /** Stable id, e.g. `backend.reachable`, `model.complete.pulled`, `model.complete.fim`. */
  id: string;
  backend?: string;
  status: 'ok' | 'warn' | 'error';
  title: string;
  detail?: string;
  /** What to do, concretely (a command to run, a setting to change). */
  fix?: string;
}

export interface DoctorReport {
  /** False when inline completions cannot work with the current configuration. */
  completionsWork: boolean;
  checks: DoctorCheck[];
}

/** `tandem/doctor/run` — client → daemon. Probes every backend now. Result: `DoctorReport`. Since 1.0. */
export namespace DoctorRequest {
  export const method = 'tandem/doctor/run' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.undefined();
  export type Params = void;
  export type Result = DoctorReport;
  export const type = new RequestType0<Result, TandemErrorData>(method);
}

/** `tandem/log` — daemon → client, daemon log lines for the client's output channel. Since 1.0. */
export namespace LogNotification {
  export const method = 'tandem/log' as const;
  export const messageDirection = MessageDirection.serverToClient;
  export interface Params {
    level: 'debug' | 'info' | 'warn' | 'error';
    message: string;
    time: number;
  }
  export const type = new NotificationType<Params>(method);
}
