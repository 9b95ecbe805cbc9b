/**
 * A fake Ollama server: real HTTP (node:http, 127.0.0.1 only) speaking Ollama's native
 * API and its OpenAI-compatible subset with faithful shapes, driven by a script (see
 * `script.ts`). Every test and benchmark that needs a model talks to one of these.
 *
 * Observability: `requests` (path, parsed body, headers, times), `openConnections`,
 * `openStreams`, `clientAborts` (responses the client closed before they finished —
 * the proof that a cancellation reached upstream) and `waitFor(predicate)`.
 *
 * Zero-delay replies are written synchronously in one corked batch, so the fake adds
 * only the cost of parsing the request and formatting the lines.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fakeEmbedding } from './embedding';
import { details, normalizeModelName, resolveModel, showBody, tagsEntry, type ResolvedModel } from './models';
import type { FakeEndpoint, FakeModel, FakeReply, FakeRule, FakeScript } from './script';

export interface RequestLogEntry {
  method: string;
  path: string;
  /** Parsed JSON body (or the raw text when it is not JSON; undefined for GET). */
  body: unknown;
  headers: IncomingHttpHeaders;
  /** Epoch ms (sub-ms precision) when the request body was fully read. */
  time: number;
  /** Epoch ms when the first response byte (headers) was written. */
  respondedAt?: number;
  /** Epoch ms when the response ended, was destroyed, or the client went away. */
  endedAt?: number;
  /** HTTP status sent (undefined if the connection was dropped before headers). */
  status?: number;
  /** How the exchange ended. */
  outcome?: 'completed' | 'client-closed' | 'server-dropped';
}

const DEFAULT_CHUNKS = ['Hello', ' from', ' the', ' fake', ' Ollama.'];
const DEFAULT_VERSION = '0.12.6';
const created = () => Math.floor(Date.now() / 1000);
const now = () => performance.timeOrigin + performance.now();

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  log: RequestLogEntry;
  closed: boolean;
  serverDropped: boolean;
  /** Resolves when the response is finished or its connection closed. */
  done: Promise<void>;
  onClose: Set<() => void>;
}

/** How one endpoint renders a stream. */
interface StreamFormat {
  contentType: string;
  chunk(text: string, index: number): string;
  final(doneReason: 'stop' | 'length', stats: Stats): string;
  garbage(line: string): string;
  error(message: string): string;
  /** The non-streamed body. */
  whole(text: string, doneReason: 'stop' | 'length', stats: Stats): unknown;
}

interface Stats {
  startNs: bigint;
  firstNs: bigint;
  promptEvalCount: number;
  evalCount: number;
}

type JsonObject = Record<string, unknown>;

function durations(s: Stats): JsonObject {
  const end = process.hrtime.bigint();
  return {
    total_duration: Number(end - s.startNs),
    load_duration: 0,
    prompt_eval_count: s.promptEvalCount,
    prompt_eval_duration: Number(s.firstNs - s.startNs),
    eval_count: s.evalCount,
    eval_duration: Number(end - s.firstNs),
  };
}

/** Ollama's keep_alive: seconds as a number, or a Go duration string; negative = forever. */
function keepAliveMs(value: unknown): number {
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

export class FakeOllama {
  /** Every request received, in arrival order. */
  readonly requests: RequestLogEntry[] = [];
  /** Called when an exchange ends (completed, dropped or closed by the client); the CLI logs with it. */
  onExchangeEnd: ((entry: RequestLogEntry) => void) | undefined;

  private server: Server | undefined;
  private baseUrl = '';
  private readonly sockets = new Set<Socket>();
  private readonly exchanges = new Set<Exchange>();
  private aborts = 0;
  private completed = 0;
  private readonly waiters = new Set<() => void>();

  private version = DEFAULT_VERSION;
  private models = new Map<string, ResolvedModel>();
  /** Loaded models, least recently used first; value = expiry epoch ms. */
  private loaded = new Map<string, number>();
  private maxLoaded = 3;
  private pullable: 'any' | Map<string, FakeModel> = 'any';
  private rules: Array<{ rule: FakeRule; used: number }> = [];
  private defaultReply: FakeReply = {};

  constructor(script: FakeScript = {}) {
    this.setScript(script);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Listen on 127.0.0.1 (port 0 = any free port). Resolves to the base URL. */
  async start(port = 0): Promise<string> {
    if (this.server) return this.baseUrl;
    const server = createServer((req, res) => this.onRequest(req, res));
    server.keepAliveTimeout = 5_000;
    server.on('connection', (socket: Socket) => {
      socket.setNoDelay(true);
      this.sockets.add(socket);
      this.changed();
      socket.on('close', () => {
        this.sockets.delete(socket);
        this.changed();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  get url(): string {
    if (!this.server) throw new Error('FakeOllama: call start() first');
    return this.baseUrl;
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  /** Close every connection (in-flight streams are cut) and stop listening. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const ex of this.exchanges) ex.serverDropped = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const responsesDone = [...this.exchanges].map((ex) => ex.done);
    server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    await Promise.all([closed, ...responsesDone]);
  }

  // ---------------------------------------------------------------- scripting

  /** Replace models, rules and defaults (the request log and counters are kept). */
  setScript(script: FakeScript): void {
    this.version = script.version ?? DEFAULT_VERSION;
    this.setModels(script.models ?? []);
    this.maxLoaded = script.maxLoadedModels ?? 3;
    this.setLoaded(script.loaded ?? []);
    this.pullable =
      script.pullable === undefined || script.pullable === 'any'
        ? 'any'
        : new Map(script.pullable.map((m) => [normalizeModelName(m.name), m]));
    this.setRules(script.rules ?? []);
    this.defaultReply = script.defaultReply ?? {};
  }

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

  /** Names of the models the fake has, tag-normalised. */
  modelNames(): string[] {
    return [...this.models.keys()];
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

  setRules(rules: FakeRule[]): void {
    this.rules = rules.map((rule) => ({ rule, used: 0 }));
  }

  /** Add a rule; `first` puts it before the existing ones. */
  addRule(rule: FakeRule, first = false): void {
    if (first) this.rules.unshift({ rule, used: 0 });
    else this.rules.push({ rule, used: 0 });
  }

  setDefaultReply(reply: FakeReply): void {
    this.defaultReply = reply;
  }

  // ---------------------------------------------------------------- observability

  get openConnections(): number {
    return this.sockets.size;
  }

  /** Responses in progress (streaming or waiting to start). */
  get openStreams(): number {
    return this.exchanges.size;
  }

  /** Responses the client closed before they were complete (upstream cancellations). */
  get clientAborts(): number {
    return this.aborts;
  }

  /** Responses that ran to their end. */
  get completedResponses(): number {
    return this.completed;
  }

  requestsTo(path: string): RequestLogEntry[] {
    return this.requests.filter((r) => r.path === path);
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  /** Resolve once `predicate()` holds (checked on every request, connection and stream change). */
  waitFor(predicate: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`FakeOllama.waitFor: ${what} not reached within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  private changed(): void {
    for (const w of [...this.waiters]) w();
  }

  // ---------------------------------------------------------------- HTTP plumbing

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      let bodyError: string | undefined;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw);
        } catch (err) {
          body = raw;
          bodyError = (err as Error).message;
        }
      }
      const log: RequestLogEntry = { method: req.method ?? 'GET', path: url.pathname, body, headers: req.headers, time: now() };
      this.requests.push(log);
      const ex = this.track(req, res, log);
      this.changed();
      this.route(ex, body, bodyError).catch((err: unknown) => {
        if (!res.headersSent && !ex.closed) this.json(ex, 500, { error: `fake ollama: ${(err as Error).message}` });
        else this.drop(ex);
      });
    });
  }

  private track(req: IncomingMessage, res: ServerResponse, log: RequestLogEntry): Exchange {
    let resolveDone!: () => void;
    const ex: Exchange = {
      req,
      res,
      log,
      closed: false,
      serverDropped: false,
      done: new Promise<void>((r) => (resolveDone = r)),
      onClose: new Set(),
    };
    this.exchanges.add(ex);
    res.on('close', () => {
      ex.closed = true;
      log.endedAt = now();
      if (res.writableFinished) {
        log.outcome = 'completed';
        this.completed++;
      } else if (ex.serverDropped) {
        log.outcome = 'server-dropped';
      } else {
        log.outcome = 'client-closed';
        this.aborts++;
      }
      this.exchanges.delete(ex);
      for (const f of ex.onClose) f();
      resolveDone();
      this.changed();
      this.onExchangeEnd?.(log);
    });
    return ex;
  }

  /** Wait `ms`; false if the exchange closed meanwhile. */
  private sleep(ex: Exchange, ms: number): Promise<boolean> {
    if (ex.closed) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const onClose = () => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        ex.onClose.delete(onClose);
        resolve(!ex.closed);
      }, ms);
      ex.onClose.add(onClose);
    });
  }

  private head(ex: Exchange, status: number, contentType: string, length?: number): void {
    const headers: Record<string, string | number> = { 'Content-Type': contentType };
    if (length !== undefined) headers['Content-Length'] = length;
    ex.res.writeHead(status, headers);
    ex.log.status = status;
    ex.log.respondedAt = now();
  }

  private json(ex: Exchange, status: number, body: unknown): void {
    if (ex.closed) return;
    const text = JSON.stringify(body);
    this.head(ex, status, 'application/json; charset=utf-8', Buffer.byteLength(text));
    ex.res.end(text);
  }

  private text(ex: Exchange, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
    if (ex.closed) return;
    this.head(ex, status, contentType, Buffer.byteLength(body));
    ex.res.end(body);
  }

  /** Cut the connection the way a crashed server or a network drop does. */
  private drop(ex: Exchange): void {
    ex.serverDropped = true;
    ex.res.socket?.destroy();
    ex.res.destroy();
  }

  // ---------------------------------------------------------------- routing

  private async route(ex: Exchange, body: unknown, bodyError: string | undefined): Promise<void> {
    const { method, path } = ex.log;
    const isPost = method === 'POST';
    if ((method === 'GET' || method === 'HEAD') && path === '/') return this.text(ex, 200, 'Ollama is running');
    if (method === 'GET' && path === '/api/version') return this.json(ex, 200, { version: this.version });
    if (method === 'GET' && path === '/api/tags') return this.json(ex, 200, { models: [...this.models.values()].map(tagsEntry) });
    if (method === 'GET' && path === '/api/ps') return this.json(ex, 200, { models: this.psEntries() });
    if (method === 'GET' && path === '/v1/models') return this.json(ex, 200, this.openAiModels());

    const known = [
      '/api/generate',
      '/api/chat',
      '/api/embed',
      '/api/embeddings',
      '/api/show',
      '/api/pull',
      '/v1/completions',
      '/v1/chat/completions',
      '/v1/embeddings',
    ];
    if (!isPost || !known.includes(path)) return this.text(ex, 404, '404 page not found');

    const openAi = path.startsWith('/v1/');
    const fail = (status: number, message: string) =>
      openAi ? this.json(ex, status, this.openAiError(status, message)) : this.json(ex, status, { error: message });
    if (bodyError !== undefined) return fail(400, `invalid character in request body: ${bodyError}`);
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return fail(400, body === undefined ? 'missing request body' : 'request body must be a JSON object');
    const b = body as JsonObject;

    if (path === '/api/show') return this.show(ex, b);
    if (path === '/api/pull') return this.pull(ex, b);

    const modelName = typeof b.model === 'string' ? b.model : '';
    if (modelName === '') return fail(400, 'model is required');
    const model = this.models.get(normalizeModelName(modelName));
    if (!model) return fail(404, `model "${modelName}" not found, try pulling it first`);

    switch (path as FakeEndpoint) {
      case '/api/generate':
        return this.generate(ex, b, model);
      case '/api/chat':
        return this.chat(ex, b, model);
      case '/api/embed':
      case '/api/embeddings':
      case '/v1/embeddings':
        return this.embed(ex, path as FakeEndpoint, b, model);
      case '/v1/completions':
        return this.openAiCompletion(ex, b, model);
      case '/v1/chat/completions':
        return this.openAiChat(ex, b, model);
    }
  }

  private pickReply(path: FakeEndpoint, model: string, text: string): FakeReply {
    for (const entry of this.rules) {
      const r = entry.rule;
      if (r.times !== undefined && entry.used >= r.times) continue;
      if (r.path !== undefined && !(Array.isArray(r.path) ? r.path.includes(path) : r.path === path)) continue;
      if (r.model !== undefined && normalizeModelName(r.model) !== model) continue;
      if (r.match !== undefined && !(typeof r.match === 'string' ? text.includes(r.match) : r.match.test(text))) continue;
      if (r.matchRegex !== undefined && !new RegExp(r.matchRegex).test(text)) continue;
      entry.used++;
      return r;
    }
    return this.defaultReply;
  }

  private expireLoaded(): void {
    const t = Date.now();
    for (const [name, expiry] of this.loaded) if (expiry <= t) this.loaded.delete(name);
  }

  private markLoaded(name: string, keepAlive: unknown): void {
    const ms = keepAliveMs(keepAlive);
    this.loaded.delete(name);
    if (ms === 0) return;
    this.loaded.set(name, ms === Infinity ? Date.parse('2318-01-01T00:00:00Z') : Date.now() + ms);
    this.expireLoaded();
    while (this.loaded.size > this.maxLoaded) this.loaded.delete(this.loaded.keys().next().value as string);
  }

  private psEntries(): JsonObject[] {
    return this.loadedModels().flatMap((name) => {
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
  }

  private openAiModels(): JsonObject {
    return {
      object: 'list',
      data: [...this.models.values()].map((m) => ({ id: m.name, object: 'model', created: 1_748_779_200, owned_by: 'library' })),
    };
  }

  private openAiError(status: number, message: string): JsonObject {
    const type = status === 400 ? 'invalid_request_error' : status === 404 ? 'not_found_error' : 'api_error';
    return { error: { message, type, param: null, code: null } };
  }

  // ---------------------------------------------------------------- endpoints

  private show(ex: Exchange, b: JsonObject): void {
    const name = typeof b.model === 'string' ? b.model : typeof b.name === 'string' ? b.name : '';
    if (name === '') return this.json(ex, 400, { error: 'model is required' });
    const m = this.models.get(normalizeModelName(name));
    if (!m) return this.json(ex, 404, { error: `model '${name}' not found` });
    this.json(ex, 200, showBody(m));
  }

  private async pull(ex: Exchange, b: JsonObject): Promise<void> {
    const name = typeof b.model === 'string' ? b.model : typeof b.name === 'string' ? b.name : '';
    if (name === '') return this.json(ex, 400, { error: 'model is required' });
    const key = normalizeModelName(name);
    const spec: FakeModel | undefined = this.pullable === 'any' ? { name: key } : this.pullable.get(key);
    const stream = b.stream !== false;
    const missing = 'pull model manifest: file does not exist';
    if (!stream) {
      if (!spec) return this.json(ex, 500, { error: missing });
      this.addModel(spec);
      return this.json(ex, 200, { status: 'success' });
    }
    this.head(ex, 200, 'application/x-ndjson');
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
      if (!(await this.sleep(ex, 1))) return;
      write({ status: `pulling ${m.digest.slice(0, 12)}`, digest, total: m.sizeBytes, completed });
    }
    write({ status: 'verifying sha256 digest' });
    write({ status: 'writing manifest' });
    this.addModel(spec);
    write({ status: 'success' });
    ex.res.end();
  }

  private generate(ex: Exchange, b: JsonObject, m: ResolvedModel): Promise<void> | void {
    const prompt = typeof b.prompt === 'string' ? b.prompt : '';
    const suffix = typeof b.suffix === 'string' ? b.suffix : '';
    if (!m.capabilities.includes('completion')) return this.json(ex, 400, { error: `"${m.name}" does not support generate` });
    if (suffix !== '' && !m.capabilities.includes('insert')) return this.json(ex, 400, { error: `"${m.name}" does not support insert` });
    const base = { model: b.model, created_at: '' };
    if (prompt === '' && suffix === '') {
      // An empty prompt loads (or with keep_alive 0 unloads) the model.
      const unload = keepAliveMs(b.keep_alive) === 0;
      if (unload) this.loaded.delete(m.name);
      else this.markLoaded(m.name, b.keep_alive);
      return this.json(ex, 200, {
        ...base,
        created_at: new Date().toISOString(),
        response: '',
        done: true,
        done_reason: unload ? 'unload' : 'load',
      });
    }
    this.markLoaded(m.name, b.keep_alive);
    const withContext = b.raw !== true;
    const fmt: StreamFormat = {
      contentType: 'application/x-ndjson',
      chunk: (text) => JSON.stringify({ ...base, created_at: new Date().toISOString(), response: text, done: false }) + '\n',
      final: (doneReason, stats) =>
        JSON.stringify({
          ...base,
          created_at: new Date().toISOString(),
          response: '',
          done: true,
          done_reason: doneReason,
          ...(withContext ? { context: [151643, 151644, 151645] } : {}),
          ...durations(stats),
        }) + '\n',
      garbage: (line) => line + '\n',
      error: (message) => JSON.stringify({ error: message }) + '\n',
      whole: (text, doneReason, stats) => ({
        ...base,
        created_at: new Date().toISOString(),
        response: text,
        done: true,
        done_reason: doneReason,
        ...(withContext ? { context: [151643, 151644, 151645] } : {}),
        ...durations(stats),
      }),
    };
    const text = prompt + suffix;
    return this.play(ex, this.pickReply('/api/generate', m.name, text), fmt, b.stream !== false, text.length);
  }

  private chat(ex: Exchange, b: JsonObject, m: ResolvedModel): Promise<void> | void {
    if (!m.capabilities.includes('completion')) return this.json(ex, 400, { error: `"${m.name}" does not support chat` });
    const messages = Array.isArray(b.messages) ? (b.messages as Array<{ content?: unknown }>) : [];
    const base = { model: b.model, created_at: '' };
    if (messages.length === 0) {
      this.markLoaded(m.name, b.keep_alive);
      return this.json(ex, 200, {
        ...base,
        created_at: new Date().toISOString(),
        message: { role: 'assistant', content: '' },
        done: true,
        done_reason: 'load',
      });
    }
    this.markLoaded(m.name, b.keep_alive);
    const text = messages.map((msg) => (typeof msg.content === 'string' ? msg.content : '')).join('\n');
    const fmt: StreamFormat = {
      contentType: 'application/x-ndjson',
      chunk: (t) =>
        JSON.stringify({ ...base, created_at: new Date().toISOString(), message: { role: 'assistant', content: t }, done: false }) + '\n',
      final: (doneReason, stats) =>
        JSON.stringify({
          ...base,
          created_at: new Date().toISOString(),
          message: { role: 'assistant', content: '' },
          done: true,
          done_reason: doneReason,
          ...durations(stats),
        }) + '\n',
      garbage: (line) => line + '\n',
      error: (message) => JSON.stringify({ error: message }) + '\n',
      whole: (t, doneReason, stats) => ({
        ...base,
        created_at: new Date().toISOString(),
        message: { role: 'assistant', content: t },
        done: true,
        done_reason: doneReason,
        ...durations(stats),
      }),
    };
    return this.play(ex, this.pickReply('/api/chat', m.name, text), fmt, b.stream !== false, text.length);
  }

  private openAiCompletion(ex: Exchange, b: JsonObject, m: ResolvedModel): Promise<void> | void {
    const prompt = typeof b.prompt === 'string' ? b.prompt : Array.isArray(b.prompt) ? b.prompt.join('') : '';
    const suffix = typeof b.suffix === 'string' ? b.suffix : '';
    if (suffix !== '' && !m.capabilities.includes('insert'))
      return this.json(ex, 400, this.openAiError(400, `"${m.name}" does not support insert`));
    this.markLoaded(m.name, undefined);
    const id = `cmpl-${Math.floor(Math.random() * 1000)}`;
    const base = () => ({ id, object: 'text_completion', created: created(), model: b.model, system_fingerprint: 'fp_ollama' });
    const usage = (s: Stats) => ({
      prompt_tokens: s.promptEvalCount,
      completion_tokens: s.evalCount,
      total_tokens: s.promptEvalCount + s.evalCount,
    });
    const fmt: StreamFormat = {
      contentType: 'text/event-stream',
      chunk: (t) => `data: ${JSON.stringify({ ...base(), choices: [{ text: t, index: 0, finish_reason: null }] })}\n\n`,
      final: (doneReason) =>
        `data: ${JSON.stringify({ ...base(), choices: [{ text: '', index: 0, finish_reason: doneReason }] })}\n\ndata: [DONE]\n\n`,
      garbage: (line) => `${line}\n\n`,
      error: (message) => `data: ${JSON.stringify(this.openAiError(500, message))}\n\n`,
      whole: (t, doneReason, s) => ({ ...base(), choices: [{ text: t, index: 0, finish_reason: doneReason }], usage: usage(s) }),
    };
    const text = prompt + suffix;
    return this.play(ex, this.pickReply('/v1/completions', m.name, text), fmt, b.stream === true, text.length);
  }

  private openAiChat(ex: Exchange, b: JsonObject, m: ResolvedModel): Promise<void> | void {
    const messages = Array.isArray(b.messages) ? (b.messages as Array<{ content?: unknown }>) : [];
    if (messages.length === 0) return this.json(ex, 400, this.openAiError(400, 'invalid message format'));
    this.markLoaded(m.name, undefined);
    const text = messages.map((msg) => (typeof msg.content === 'string' ? msg.content : '')).join('\n');
    const id = `chatcmpl-${Math.floor(Math.random() * 1000)}`;
    const base = () => ({ id, object: 'chat.completion.chunk', created: created(), model: b.model, system_fingerprint: 'fp_ollama' });
    const fmt: StreamFormat = {
      contentType: 'text/event-stream',
      chunk: (t) =>
        `data: ${JSON.stringify({ ...base(), choices: [{ index: 0, delta: { role: 'assistant', content: t }, finish_reason: null }] })}\n\n`,
      final: (doneReason) =>
        `data: ${JSON.stringify({ ...base(), choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: doneReason }] })}\n\ndata: [DONE]\n\n`,
      garbage: (line) => `${line}\n\n`,
      error: (message) => `data: ${JSON.stringify(this.openAiError(500, message))}\n\n`,
      whole: (t, doneReason, s) => ({
        ...base(),
        object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content: t }, finish_reason: doneReason }],
        usage: { prompt_tokens: s.promptEvalCount, completion_tokens: s.evalCount, total_tokens: s.promptEvalCount + s.evalCount },
      }),
    };
    return this.play(ex, this.pickReply('/v1/chat/completions', m.name, text), fmt, b.stream === true, text.length);
  }

  private async embed(ex: Exchange, path: FakeEndpoint, b: JsonObject, m: ResolvedModel): Promise<void> {
    const rawInput = path === '/api/embeddings' ? b.prompt : b.input;
    const inputs = typeof rawInput === 'string' ? [rawInput] : Array.isArray(rawInput) ? rawInput.map((x) => String(x)) : [];
    const openAi = path === '/v1/embeddings';
    const reply = this.pickReply(path, m.name, inputs.join('\n'));
    const startNs = process.hrtime.bigint();
    if (!(await this.preamble(ex, reply, openAi))) return;
    this.markLoaded(m.name, b.keep_alive);
    const dim = typeof b.dimensions === 'number' && b.dimensions > 0 ? Math.min(b.dimensions, m.embeddingDim) : m.embeddingDim;
    const vectors = inputs.map((t) => fakeEmbedding(t, dim));
    const tokens = inputs.reduce((n, t) => n + Math.ceil(t.length / 4), 0);
    if (path === '/api/embeddings') return this.json(ex, 200, { embedding: vectors[0] ?? [] });
    if (openAi) {
      return this.json(ex, 200, {
        object: 'list',
        data: vectors.map((embedding, index) => ({ object: 'embedding', embedding, index })),
        model: b.model,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      });
    }
    this.json(ex, 200, {
      model: b.model,
      embeddings: vectors,
      total_duration: Number(process.hrtime.bigint() - startNs),
      load_duration: 0,
      prompt_eval_count: tokens,
    });
  }

  /**
   * The parts of a reply that come before any output: hang, immediate disconnect,
   * first-token delay, error status. False when the reply is over.
   */
  private async preamble(ex: Exchange, reply: FakeReply, openAi: boolean): Promise<boolean> {
    if (reply.hang || reply.hangAfterChunks === 0) {
      await ex.done;
      return false;
    }
    if (reply.disconnectAfterChunks === 0) {
      this.drop(ex);
      return false;
    }
    if (reply.firstTokenDelayMs && !(await this.sleep(ex, reply.firstTokenDelayMs))) return false;
    if (reply.status !== undefined && reply.status >= 400) {
      if (reply.errorBody !== undefined)
        this.text(ex, reply.status, reply.errorBody, reply.errorContentType ?? 'text/plain; charset=utf-8');
      else {
        const message = reply.error ?? `fake error ${reply.status}`;
        this.json(ex, reply.status, openAi ? this.openAiError(reply.status, message) : { error: message });
      }
      return false;
    }
    return !ex.closed;
  }

  /** Stream (or send whole) a scripted reply in the endpoint's format. */
  private async play(ex: Exchange, reply: FakeReply, fmt: StreamFormat, stream: boolean, promptChars: number): Promise<void> {
    const startNs = process.hrtime.bigint();
    if (!(await this.preamble(ex, reply, fmt.contentType === 'text/event-stream'))) return;
    const chunks = reply.chunks ?? this.defaultReply.chunks ?? DEFAULT_CHUNKS;
    const stats: Stats = {
      startNs,
      firstNs: process.hrtime.bigint(),
      promptEvalCount: reply.promptEvalCount ?? Math.max(1, Math.ceil(promptChars / 4)),
      evalCount: reply.evalCount ?? chunks.length,
    };
    const doneReason = reply.doneReason ?? 'stop';
    const delay = reply.chunkDelayMs ?? 0;
    const res = ex.res;

    if (!stream) {
      for (let i = 1; i <= chunks.length; i++) {
        if (delay > 0 && i < chunks.length && !(await this.sleep(ex, delay))) return;
        if (reply.disconnectAfterChunks === i) return this.drop(ex);
        if (reply.hangAfterChunks === i) return ex.done;
      }
      if (reply.streamError)
        return this.json(
          ex,
          500,
          fmt.contentType === 'text/event-stream' ? this.openAiError(500, reply.streamError.message) : { error: reply.streamError.message },
        );
      if (reply.garbage)
        return this.text(
          ex,
          200,
          `${JSON.stringify(fmt.whole(chunks.join(''), doneReason, stats)).slice(0, -1)}\n${reply.garbage.line ?? 'garbage'}`,
          'application/json; charset=utf-8',
        );
      return this.json(ex, 200, fmt.whole(chunks.join(''), doneReason, stats));
    }

    this.head(ex, 200, fmt.contentType);
    // Without delays or disconnects everything goes out in one corked batch.
    const batch = delay === 0 && reply.disconnectAfterChunks === undefined && reply.hangAfterChunks === undefined;
    if (batch) res.cork();
    for (let i = 0; i <= chunks.length; i++) {
      if (i > 0 && i < chunks.length && delay > 0 && !(await this.sleep(ex, delay))) return;
      if (ex.closed) return;
      if (reply.disconnectAfterChunks === i) {
        // Let the chunks already written reach the client, then cut the connection.
        await new Promise<void>((resolve) => res.write('', () => resolve()));
        return this.drop(ex);
      }
      if (reply.hangAfterChunks === i) return ex.done;
      if (reply.garbage?.afterChunks === i) res.write(fmt.garbage(reply.garbage.line ?? 'this is not JSON'));
      if (reply.streamError?.afterChunks === i) {
        res.write(fmt.error(reply.streamError.message));
        res.end();
        if (batch) res.uncork();
        return;
      }
      if (i < chunks.length) res.write(fmt.chunk(chunks[i], i));
    }
    res.end(fmt.final(doneReason, stats));
    if (batch) res.uncork();
  }
}
