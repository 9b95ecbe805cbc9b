/**
 * A fake Ollama server: real HTTP (node:http, 127.0.0.1 only) speaking Ollama's native
 * API and its OpenAI-compatible subset with faithful shapes, driven by a script (see
 * `script.ts`). Every test and benchmark that needs a model talks to one of these.
 *
 * This file is the server: lifecycle, the scripting API, observability and routing.
 * The API areas are beside it: `catalog.ts` (version, tags, ps, show, pull and the
 * loaded models), `generate.ts`, `chat.ts`, `embed.ts`, `openai.ts` (the `/v1/` subset),
 * and `replies.ts` (rule matching and how a reply or fault is played).
 *
 * Observability: `requests` (path, parsed body, headers, times), `openConnections`,
 * `openStreams`, `clientAborts` (responses the client closed before they finished —
 * the proof that a cancellation reached upstream) and `waitFor(predicate)`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DEFAULT_VERSION, ModelCatalog } from './catalog';
import { chat } from './chat';
import type { FakeContext } from './context';
import { embed } from './embed';
import { drop, errorBody, now, sendJson, sendText, type Exchange, type JsonObject, type RequestLogEntry } from './exchange';
import { generate } from './generate';
import { normalizeModelName } from './models';
import { openAiChat, openAiCompletion, openAiModels } from './openai';
import { ReplyScript } from './replies';
import type { FakeEndpoint, FakeModel, FakeReply, FakeRule, FakeScript } from './script';

export type { RequestLogEntry } from './exchange';

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
  private readonly fake: FakeContext = { catalog: new ModelCatalog(), replies: new ReplyScript() };

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
    const { catalog, replies } = this.fake;
    catalog.version = script.version ?? DEFAULT_VERSION;
    catalog.setModels(script.models ?? []);
    catalog.maxLoaded = script.maxLoadedModels ?? 3;
    catalog.setLoaded(script.loaded ?? []);
    catalog.pullable =
      script.pullable === undefined || script.pullable === 'any'
        ? 'any'
        : new Map(script.pullable.map((m) => [normalizeModelName(m.name), m]));
    replies.setRules(script.rules ?? []);
    replies.defaultReply = script.defaultReply ?? {};
  }

  setModels(models: FakeModel[]): void {
    this.fake.catalog.setModels(models);
  }

  addModel(model: FakeModel): void {
    this.fake.catalog.addModel(model);
  }

  removeModel(name: string): void {
    this.fake.catalog.removeModel(name);
  }

  /** Names of the models the fake has, tag-normalised. */
  modelNames(): string[] {
    return this.fake.catalog.names();
  }

  setLoaded(names: string[]): void {
    this.fake.catalog.setLoaded(names);
  }

  /** Names currently loaded, most recently used first. */
  loadedModels(): string[] {
    return this.fake.catalog.loadedModels();
  }

  setRules(rules: FakeRule[]): void {
    this.fake.replies.setRules(rules);
  }

  /** Add a rule; `first` puts it before the existing ones. */
  addRule(rule: FakeRule, first = false): void {
    this.fake.replies.addRule(rule, first);
  }

  setDefaultReply(reply: FakeReply): void {
    this.fake.replies.defaultReply = reply;
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
        if (!res.headersSent && !ex.closed) sendJson(ex, 500, { error: `fake ollama: ${(err as Error).message}` });
        else drop(ex);
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

  // ---------------------------------------------------------------- routing

  private async route(ex: Exchange, body: unknown, bodyError: string | undefined): Promise<void> {
    const { method, path } = ex.log;
    const { catalog } = this.fake;
    const isPost = method === 'POST';
    if ((method === 'GET' || method === 'HEAD') && path === '/') return sendText(ex, 200, 'Ollama is running');
    if (method === 'GET' && path === '/api/version') return sendJson(ex, 200, { version: catalog.version });
    if (method === 'GET' && path === '/api/tags') return sendJson(ex, 200, catalog.tagsBody());
    if (method === 'GET' && path === '/api/ps') return sendJson(ex, 200, catalog.psBody());
    if (method === 'GET' && path === '/v1/models') return sendJson(ex, 200, openAiModels(this.fake));

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
    if (!isPost || !known.includes(path)) return sendText(ex, 404, '404 page not found');

    const openAi = path.startsWith('/v1/');
    const fail = (status: number, message: string) => sendJson(ex, status, errorBody(openAi, status, message));
    if (bodyError !== undefined) return fail(400, `invalid character in request body: ${bodyError}`);
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return fail(400, body === undefined ? 'missing request body' : 'request body must be a JSON object');
    const b = body as JsonObject;

    if (path === '/api/show') return catalog.show(ex, b);
    if (path === '/api/pull') return catalog.pull(ex, b);

    const modelName = typeof b.model === 'string' ? b.model : '';
    if (modelName === '') return fail(400, 'model is required');
    const model = catalog.get(modelName);
    if (!model) return fail(404, `model "${modelName}" not found, try pulling it first`);

    switch (path as FakeEndpoint) {
      case '/api/generate':
        return generate(this.fake, ex, b, model);
      case '/api/chat':
        return chat(this.fake, ex, b, model);
      case '/api/embed':
      case '/api/embeddings':
      case '/v1/embeddings':
        return embed(this.fake, ex, path as FakeEndpoint, b, model);
      case '/v1/completions':
        return openAiCompletion(this.fake, ex, b, model);
      case '/v1/chat/completions':
        return openAiChat(this.fake, ex, b, model);
    }
  }
}
