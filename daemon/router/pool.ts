/**
 * The router's backends as configured: one entry per backend name holding its client,
 * health, last probe, per-model traits and last use. Reconfiguring keeps the state of a
 * backend whose endpoint did not change (a new client only when its headers did).
 * Also the credential handling every message about a backend goes through: URL
 * credentials become an Authorization header, and failure texts are scrubbed of them.
 */
import type { BackendConfig, TandemConfig } from '../config';
import type { Metrics } from '../metrics';
import type { BackendClient, ProbeResult } from './backend';
import { BackendFailure } from './errors';
import type { ModelTraits } from './fim';
import { BackendHealth } from './health';
import { OllamaBackend } from './ollama';
import { OpenAiBackend } from './openai';
import { credentialForms, redact } from '../redact';

export interface BackendEntry {
  config: BackendConfig;
  client: BackendClient;
  health: BackendHealth;
  /** Last successful probe. */
  probe?: ProbeResult;
  /** Failure of the last probe, if it failed. */
  probeError?: BackendFailure;
  probing?: Promise<void>;
  /** `/api/show` answers by model (only successful ones are kept). */
  traits: Map<string, ModelTraits | undefined>;
  /** Models that already got a FIM warning in the log. */
  warned: Set<string>;
  /** When (router clock) each model last finished a call here. */
  lastUsed: Map<string, number>;
}

export class BackendPool {
  private entries = new Map<string, BackendEntry>();

  constructor(
    private readonly metrics: Pick<Metrics, 'backendUp'>,
    private readonly now: () => number,
  ) {}

  /** Take the configured backends: new ones get fresh state, removed ones leave the metrics. */
  apply(config: TandemConfig): void {
    const settings = { failureThreshold: config.router.failureThreshold, cooldownMs: config.router.circuitCooldownMs };
    const next = new Map<string, BackendEntry>();
    for (const b of config.backends) {
      const old = this.entries.get(b.name);
      const sameEndpoint = old && old.config.url === b.url && old.config.kind === b.kind;
      const sameHeaders = old && JSON.stringify(old.config.headers) === JSON.stringify(b.headers);
      if (old && sameEndpoint) {
        old.health.updateSettings(settings);
        if (!sameHeaders) old.client = makeClient(b);
        old.config = b;
        next.set(b.name, old);
      } else {
        next.set(b.name, {
          config: b,
          client: makeClient(b),
          health: new BackendHealth(settings, this.now),
          traits: new Map(),
          warned: new Set(),
          lastUsed: new Map(),
        });
      }
    }
    for (const name of this.entries.keys()) {
      if (!next.has(name)) this.metrics.backendUp.remove({ backend: name });
    }
    this.entries = next;
  }

  get(name: string): BackendEntry | undefined {
    return this.entries.get(name);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Every backend, in configuration order. */
  all(): BackendEntry[] {
    return [...this.entries.values()];
  }

  get size(): number {
    return this.entries.size;
  }
}

function makeClient(b: BackendConfig): BackendClient {
  const opts = { name: b.name, ...withCredentialsAsHeader(b.url, b.headers) };
  return b.kind === 'openai-compatible' ? new OpenAiBackend(opts) : new OllamaBackend(opts);
}

/**
 * A failure's text partly comes from the server (error bodies, in-stream errors), and
 * a misbehaving proxy may echo the credentials it was sent. Every failure is scrubbed
 * of the backend's credentials in every form (`redact.ts`) before it reaches logs,
 * status, health history, doctor output or a client.
 */
export function scrubbed(entry: BackendEntry, failure: BackendFailure): BackendFailure {
  const message = scrub(entry, failure.message);
  const hint = failure.opts.hint === undefined ? undefined : scrub(entry, failure.opts.hint);
  if (message === failure.message && hint === failure.opts.hint) return failure;
  return new BackendFailure(failure.code, message, { ...failure.opts, hint });
}

/** `text` without the backend's credentials in any form (`credentialForms`), URLs in display form. */
export function scrub(entry: BackendEntry, text: string): string {
  return redact(text, credentialForms(entry.config));
}

/**
 * fetch refuses URLs with credentials; `http://user:pass@host` (a proxy with basic
 * auth) becomes the bare URL plus an Authorization header, unless one is configured.
 */
function withCredentialsAsHeader(url: string, headers: Record<string, string>): { url: string; headers: Record<string, string> } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { url, headers };
  }
  if (!u.username && !u.password) return { url, headers };
  const basic = Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64');
  u.username = '';
  u.password = '';
  const hasAuth = Object.keys(headers).some((k) => k.toLowerCase() === 'authorization');
  return { url: u.toString().replace(/\/$/, ''), headers: hasAuth ? headers : { ...headers, Authorization: `Basic ${basic}` } };
}
