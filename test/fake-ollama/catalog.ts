/**
 * The fake's models and what Ollama says about them: `/api/version`, `/api/tags`,
 * `/api/ps` (loaded models with their keep-alive expiry, least recently used evicted
 * past `maxLoadedModels`), `/api/show` and `/api/pull`.
 */
import type { FakeModel } from './script';
import { details, normalizeModelName, resolveModel, showBody, tagsEntry, type ResolvedModel } from './models';
import { head, sendJson, sleep, type Exchange, type JsonObject } from './exchange';

export const DEFAULT_VERSION = '0.12.6';

/** Ollama's keep_alive: seconds as a number, or a Go duration string; negative = forever. */
export function keepAliveMs(value: unknown): number {
  if (value === undefined || value === null || value === '') return 5 * 60_000;
  if (typeof value === 'number') return value < 0 ? Infinity : value * 1000;
  const s = String(value).trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s) < 0 ? Infinity : Number(s) * 1000;
  let total = 0;
  let negative = false;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  for (const m of s.matchAll(/(-?)(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    if (m[1] === '-') negative = true;
    total += Number(m[2]) * units[m[3]];
  }
  return negative ? Infinity : total;
}

export class ModelCatalog {
  version = DEFAULT_VERSION;
  maxLoaded = 3;
  pullable: 'any' | Map<string, FakeModel> = 'any';
  private models = new Map<string, ResolvedModel>();
  /** Loaded models, least recently used first; value = expiry epoch ms. */
  private readonly loaded = new Map<string, number>();

  setModels(models: FakeModel[]): void {
    this.models = new Map(models.map((m) => [normalizeModelName(m.name), resolveModel(m)]));
  }

  addModel(model: FakeModel): void {
    this.models.set(normalizeModelName(model.name), resolveModel(model));
  }

  removeModel(name: string): void {
    this.models.delete(normalizeModelName(name));
    this.loaded.delete(normalizeModelName(name));
  }

  /** A model by any spelling of its name. */
  get(name: string): ResolvedModel | undefined {
    return this.models.get(normalizeModelName(name));
  }

  /** Names of the models, tag-normalised. */
  names(): string[] {
    return [...this.models.keys()];
  }

  all(): ResolvedModel[] {
    return [...this.models.values()];
  }

  setLoaded(names: string[]): void {
    this.loaded.clear();
    for (const n of names) this.markLoaded(normalizeModelName(n), undefined);
  }

  /** Names currently loaded, most recently used first. */
  loadedModels(): string[] {
    this.expireLoaded();
    return [...this.loaded.keys()].reverse();
  }

  /** A call used the model: it stays loaded for its keep_alive (0 unloads it). */
  markLoaded(name: string, keepAlive: unknown): void {
    const ms = keepAliveMs(keepAlive);
    this.loaded.delete(name);
    if (ms === 0) return;
    this.loaded.set(name, ms === Infinity ? Date.parse('2318-01-01T00:00:00Z') : Date.now() + ms);
    this.expireLoaded();
    while (this.loaded.size > this.maxLoaded) this.loaded.delete(this.loaded.keys().next().value as string);
  }

  unload(name: string): void {
    this.loaded.delete(name);
  }

  private expireLoaded(): void {
    const t = Date.now();
    for (const [name, expiry] of this.loaded) if (expiry <= t) this.loaded.delete(name);
  }

  /** `/api/tags` */
  tagsBody(): JsonObject {
    return { models: [...this.models.values()].map(tagsEntry) };
  }

  /** `/api/ps` */
  psBody(): JsonObject {
    const models = this.loadedModels().flatMap((name) => {
      const m = this.models.get(name);
      if (!m) return [];
      return [
        {
          name: m.name,
          model: m.name,
          size: m.sizeBytes,
          digest: m.digest,
          details: details(m),
          expires_at: new Date(this.loaded.get(name) ?? Date.now()).toISOString(),
          size_vram: m.sizeVramBytes,
          context_length: m.contextLength,
        },
      ];
    });
    return { models };
  }

  /** `/api/show` */
  show(ex: Exchange, b: JsonObject): void {
    const name = typeof b.model === 'string' ? b.model : typeof b.name === 'string' ? b.name : '';
    if (name === '') return sendJson(ex, 400, { error: 'model is required' });
    const m = this.get(name);
    if (!m) return sendJson(ex, 404, { error: `model '${name}' not found` });
    sendJson(ex, 200, showBody(m));
  }

  /** `/api/pull`: progress lines (or one answer with `stream: false`), then the model exists. */
  async pull(ex: Exchange, b: JsonObject): Promise<void> {
    const name = typeof b.model === 'string' ? b.model : typeof b.name === 'string' ? b.name : '';
    if (name === '') return sendJson(ex, 400, { error: 'model is required' });
    const key = normalizeModelName(name);
    const spec: FakeModel | undefined = this.pullable === 'any' ? { name: key } : this.pullable.get(key);
    const stream = b.stream !== false;
    const missing = 'pull model manifest: file does not exist';
    if (!stream) {
      if (!spec) return sendJson(ex, 500, { error: missing });
      this.addModel(spec);
      return sendJson(ex, 200, { status: 'success' });
    }
    head(ex, 200, 'application/x-ndjson');
    const write = (obj: JsonObject) => ex.res.write(JSON.stringify(obj) + '\n');
    write({ status: 'pulling manifest' });
    if (!spec) {
      write({ error: missing });
      ex.res.end();
      return;
    }
    const m = resolveModel(spec);
    const digest = `sha256:${m.digest}`;
    for (const completed of [0, Math.floor(m.sizeBytes / 2), m.sizeBytes]) {
      if (!(await sleep(ex, 1))) return;
      write({ status: `pulling ${m.digest.slice(0, 12)}`, digest, total: m.sizeBytes, completed });
    }
    write({ status: 'verifying sha256 digest' });
    write({ status: 'writing manifest' });
    this.addModel(spec);
    write({ status: 'success' });
    ex.res.end();
  }
}
