/**
 * Fakes for the feature host's tests: parts (a router that streams scripted deltas and a
 * context engine with nothing indexed), sessions whose connection records what is sent,
 * and features built from a declaration plus a register function.
 */
import type { BackendStatus, DoctorReport, TaskType } from '../../../../protocol';
import type { TandemConfig } from '../../../../daemon/config';
import type { TandemContextEngine } from '../../../../daemon/context/engine';
import type { ChatAssembly, IndexProgress } from '../../../../daemon/context/types';
import type { DaemonFeature, DaemonParts, Disposable, FeatureHost, ReconfigurableRouter } from '../../../../daemon/host/types';
import type { ChatRequest, FimRequest, GenerationResult, RawGenerateRequest } from '../../../../daemon/router/types';
import type { Session } from '../../../../daemon/server/rpc';

/**
 * The feature names the real feature list announces in `initialize`, sorted: pinned once, for
 * the registry's declared capabilities and the daemon's handshake alike (a feature that adds
 * one adds it here; none that clients have seen may go).
 */
export const ANNOUNCED_FEATURES: readonly string[] = [
  'agent',
  'chat',
  'code',
  'commands',
  'commitMessage',
  'completion',
  'completionPrepare',
  'context',
  'daemon',
  'doctor',
  'edit',
  'events',
  'fix',
  'health',
  'inlineEdit',
  'mcp',
  'memory',
  'models',
  'nextEdit',
  'settings',
  'stats',
  'status',
  'tests',
  'usage',
  'workspace',
];

export class FakeRouter implements ReconfigurableRouter {
  deltas = ['const ', 'x = ', '1;'];
  disposed = false;
  private readonly listeners = new Set<(s: BackendStatus[]) => void>();

  async complete(req: FimRequest): Promise<GenerationResult> {
    for (const d of this.deltas) req.onDelta?.(d);
    return { text: this.deltas.join(''), model: 'fake-fim', backend: 'fake', doneReason: 'stop', firstTokenMs: 1, totalMs: 2 };
  }
  async generate(req: RawGenerateRequest): Promise<GenerationResult> {
    for (const d of this.deltas) req.onDelta?.(d);
    return { text: this.deltas.join(''), model: 'fake-next-edit', backend: 'fake', doneReason: 'stop', firstTokenMs: 1, totalMs: 2 };
  }
  async chat(req: ChatRequest): Promise<GenerationResult> {
    for (const d of this.deltas) req.onDelta?.(d);
    return { text: this.deltas.join(''), model: 'fake-chat', backend: 'fake', doneReason: 'stop', firstTokenMs: 1, totalMs: 2 };
  }
  async embed(): Promise<never> {
    throw new Error('no embeddings in this fake');
  }
  status(): BackendStatus[] {
    return [];
  }
  canServe(_task: TaskType): boolean {
    return true;
  }
  async probeAll(): Promise<BackendStatus[]> {
    return [];
  }
  async doctor(): Promise<DoctorReport> {
    return { completionsWork: true, checks: [] };
  }
  onStatusChange(listener: (s: BackendStatus[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  reconfigure(_config: TandemConfig): void {}
  dispose(): void {
    this.disposed = true;
  }
}

/** A context engine with no roots: completions get the editor's prefix and suffix as they are. */
export class FakeContext {
  disposed = false;
  async registerRoot(): Promise<void> {}
  unregisterRoot(): void {}
  roots(): string[] {
    return [];
  }
  progress(): IndexProgress[] {
    return [];
  }
  onProgress(): () => void {
    return () => undefined;
  }
  async assembleCompletion(req: { prefix: string; suffix: string }) {
    return { prefix: req.prefix, suffix: req.suffix, tokens: 0, contextChunks: 0, elapsedMs: 0 };
  }
  async assembleChat(): Promise<ChatAssembly> {
    return { rules: [], chunks: [], text: '', tokens: 0, elapsedMs: 0, semantic: { active: false, reason: 'fake' } };
  }
  semanticStatus() {
    return { active: true };
  }
  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

export function fakeParts(): DaemonParts & { router: FakeRouter; fake: FakeContext } {
  const fake = new FakeContext();
  return { router: new FakeRouter(), context: fake as unknown as TandemContextEngine, fake };
}

/** What a fake session's connection was asked to send. */
export interface Sent {
  method: string;
  params: unknown;
}

export function fakeSession(id: string, state: { initialized?: boolean; statusNotifications?: boolean } = {}): Session & { sent: Sent[] } {
  const sent: Sent[] = [];
  const connection = {
    sendNotification: (type: { method: string }, params: unknown) => {
      sent.push({ method: type.method, params });
      return Promise.resolve();
    },
  };
  return {
    id,
    connection: connection as unknown as Session['connection'],
    initialized: state.initialized ?? true,
    capabilities: state.statusNotifications === undefined ? {} : { statusNotifications: state.statusNotifications },
    roots: new Set(),
    sent,
  };
}

export function feature(
  name: string,
  declaration: Partial<Pick<DaemonFeature, 'capabilities' | 'requests' | 'notifications' | 'clientRequests'>>,
  register: (host: FeatureHost) => Disposable | void = () => undefined,
): DaemonFeature {
  return {
    name,
    capabilities: declaration.capabilities ?? [name],
    requests: declaration.requests ?? [],
    notifications: declaration.notifications ?? [],
    ...(declaration.clientRequests ? { clientRequests: declaration.clientRequests } : {}),
    register: (host) => register(host) ?? { dispose: () => undefined },
  };
}
