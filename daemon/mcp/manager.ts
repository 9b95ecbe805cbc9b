/**
 * The MCP servers the daemon is a client of (the official SDK): one connection per
 * workspace root and server, started on first use (listing tools or calling one),
 * restarted after a crash at most `mcp.maxRestarts` times in ten minutes (then left
 * failed until `tandem/mcp/restart`), stopped with the daemon. Tools switched off by
 * the user (`mcp_tool_settings`) are not offered. Secret values of a server's env and
 * headers are scrubbed from every message that leaves here.
 */
import { createHash } from 'node:crypto';
import type { McpServerInfo, McpToolInfo } from '../../protocol';
import type { McpConfig } from '../config';
import type { Logger } from '../log';
import type { Db } from '../storage/db';
import type { ExternalTool } from '../agent/loop';
import { displayTarget, mcpServersFor, type ResolvedServer } from './config';
import { Client, StdioClientTransport, StreamableHTTPClientTransport, getDefaultEnvironment } from './sdk';

const CRASH_WINDOW_MS = 10 * 60_000;

interface ListedTool {
  tool: string;
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

function withoutSchemaKey(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

/** `mcp_<server>_<tool>` in the characters tool names allow, at most 64 long. */
export function modelToolName(server: string, tool: string): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '') || 'x';
  return `mcp_${clean(server)}_${clean(tool)}`.slice(0, 64);
}

class ServerConnection {
  state: McpServerInfo['state'] = 'stopped';
  error: string | undefined;
  restarts = 0;
  tools: ListedTool[] = [];
  private client: Client | undefined;
  private starting: Promise<void> | undefined;
  private stopping = false;
  private readonly crashes: number[] = [];

  constructor(
    readonly server: ResolvedServer,
    readonly digest: string,
    private readonly deps: { config: () => McpConfig; logger: Logger; clientVersion: string },
  ) {
    if (server.disabled) this.state = 'disabled';
  }

  /** Replace every secret value of this server's env and headers in `text`. */
  scrub(text: string): string {
    let out = text;
    for (const v of [...Object.values(this.server.env), ...Object.values(this.server.headers)]) {
      if (v.length >= 4) out = out.split(v).join('***');
    }
    return out;
  }

  async ensure(): Promise<void> {
    if (this.state === 'disabled') throw new Error(`The MCP server "${this.server.name}" is disabled in its configuration.`);
    if (this.state === 'running' && this.client) return;
    if (this.starting) return this.starting;
    const now = Date.now();
    while (this.crashes.length > 0 && now - this.crashes[0]! > CRASH_WINDOW_MS) this.crashes.shift();
    if (this.state === 'failed' && this.crashes.length > this.deps.config().maxRestarts) {
      throw new Error(this.error ?? `The MCP server "${this.server.name}" failed.`);
    }
    if (this.state === 'failed') this.restarts++;
    this.starting = this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async start(): Promise<void> {
    const s = this.server;
    this.state = 'starting';
    this.stopping = false;
    const client = new Client({ name: 'tandem', version: this.deps.clientVersion }, { capabilities: {} });
    const transport =
      s.transport === 'stdio'
        ? new StdioClientTransport({
            command: s.command!,
            args: s.args,
            env: { ...getDefaultEnvironment(), ...s.env },
            ...(s.cwd ? { cwd: s.cwd } : {}),
            stderr: 'pipe',
          })
        : new StreamableHTTPClientTransport(new URL(s.url!), { requestInit: { headers: s.headers } });
    if (transport instanceof StdioClientTransport) transport.stderr?.on('data', () => undefined);
    const timeout = this.deps.config().startTimeoutMs;
    try {
      await client.connect(transport, { timeout });
      const tools: ListedTool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : {}, { timeout });
        for (const t of page.tools) {
          tools.push({
            tool: t.name,
            name: modelToolName(s.name, t.name),
            description: (t.description ?? '').slice(0, 2000),
            inputSchema: t.inputSchema as Record<string, unknown>,
          });
        }
        cursor = page.nextCursor;
      } while (cursor && tools.length < 500);
      this.tools = tools;
      this.client = client;
      this.state = 'running';
      this.error = undefined;
      client.onclose = () => this.closed();
      this.deps.logger.info(`MCP server ${s.name} started (${displayTarget(s)}), ${tools.length} tools.`);
    } catch (err) {
      void client.close().catch(() => undefined);
      this.crashes.push(Date.now());
      this.state = 'failed';
      this.error = this.scrub(`The MCP server "${s.name}" could not start: ${(err as Error).message}`);
      this.deps.logger.warn(this.error);
      throw new Error(this.error);
    }
  }

  private closed(): void {
    this.client = undefined;
    if (this.stopping) {
      this.state = 'stopped';
      return;
    }
    this.crashes.push(Date.now());
    const max = this.deps.config().maxRestarts;
    this.state = 'failed';
    this.error =
      this.crashes.length > max
        ? `The MCP server "${this.server.name}" crashed ${this.crashes.length} times in ten minutes and is not restarted; restart it from the tools list (tandem/mcp/restart).`
        : `The MCP server "${this.server.name}" exited unexpectedly; it is restarted on next use.`;
    this.deps.logger.warn(this.error);
  }

  async call(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<{ text: string; isError: boolean }> {
    await this.ensure();
    const client = this.client!;
    try {
      const result = await client.callTool({ name: tool, arguments: args }, undefined, {
        signal,
        timeout: this.deps.config().callTimeoutMs,
      });
      const parts = (result.content as Array<Record<string, unknown>> | undefined) ?? [];
      const text = parts
        .map((p) => {
          if (p.type === 'text') return String(p.text ?? '');
          if (p.type === 'resource') {
            const r = p.resource as { uri?: string; text?: string } | undefined;
            return `[resource ${r?.uri ?? ''}]${r?.text ? `\n${r.text}` : ''}`;
          }
          return `[${String(p.type)} content${p.mimeType ? ` (${String(p.mimeType)})` : ''} not shown]`;
        })
        .join('\n');
      const structured = text === '' && result.structuredContent !== undefined ? JSON.stringify(result.structuredContent) : '';
      return { text: this.scrub(text || structured), isError: result.isError === true };
    } catch (err) {
      if (signal.aborted) throw err;
      throw new Error(this.scrub(`${this.server.name}/${tool} failed: ${(err as Error).message}`));
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const client = this.client;
    this.client = undefined;
    if (this.state !== 'disabled') this.state = 'stopped';
    await client?.close().catch(() => undefined);
  }

  /** Forget crashes (an explicit restart). */
  reset(): void {
    this.crashes.length = 0;
    this.error = undefined;
    if (this.state === 'failed') this.state = 'stopped';
  }
}

export class McpManager {
  private readonly connections = new Map<string, ServerConnection>();

  constructor(private readonly deps: { db: Db; config: () => McpConfig; logger: Logger; clientVersion: string; env?: NodeJS.ProcessEnv }) {}

  /** The connection of each server configured for `root` (new ones created stopped; a changed configuration replaces the old one). */
  private resolve(root: string | undefined): { connections: ServerConnection[]; problems: string[] } {
    const { servers, problems } = mcpServersFor(root, this.deps.config(), this.deps.env ?? process.env);
    const connections = servers.map((s) => {
      const key = `${root ?? ''}\0${s.name}`;
      const digest = createHash('sha256').update(JSON.stringify(s)).digest('hex');
      let c = this.connections.get(key);
      if (c && c.digest !== digest) {
        // The configuration changed: the old process goes, the new one starts on next use.
        void c.stop();
        c = undefined;
      }
      if (!c) {
        c = new ServerConnection(s, digest, this.deps);
        this.connections.set(key, c);
      }
      return c;
    });
    return { connections, problems };
  }

  private enabled(server: string, tool?: string): boolean {
    const row = this.deps.db.prepare('SELECT enabled FROM mcp_tool_settings WHERE server = ? AND tool = ?').get(server, tool ?? '') as
      { enabled: number } | undefined;
    return row ? row.enabled === 1 : true;
  }

  setEnabled(server: string, tool: string | undefined, enabled: boolean): void {
    this.deps.db
      .prepare(
        'INSERT INTO mcp_tool_settings (server, tool, enabled) VALUES (?, ?, ?) ON CONFLICT(server, tool) DO UPDATE SET enabled = excluded.enabled',
      )
      .run(server, tool ?? '', enabled ? 1 : 0);
  }

  private info(c: ServerConnection): McpServerInfo {
    const serverOn = this.enabled(c.server.name);
    const tools: McpToolInfo[] = c.tools.map((t) => ({
      tool: t.tool,
      name: t.name,
      description: t.description,
      enabled: serverOn && this.enabled(c.server.name, t.tool),
    }));
    return {
      name: c.server.name,
      source: c.server.source,
      transport: c.server.transport,
      target: displayTarget(c.server),
      envNames: [...Object.keys(c.server.env), ...Object.keys(c.server.headers)].sort(),
      trusted: c.server.trusted,
      state: c.state,
      ...(c.error ? { error: c.error } : {}),
      restarts: c.restarts,
      tools,
    };
  }

  /** The servers of a root; `start` starts the stopped ones to list their tools. */
  async list(root: string | undefined, start: boolean): Promise<{ servers: McpServerInfo[]; problems: string[] }> {
    const { connections, problems } = this.resolve(root);
    if (start) await Promise.all(connections.filter((c) => this.enabled(c.server.name)).map((c) => c.ensure().catch(() => undefined)));
    return { servers: connections.map((c) => this.info(c)), problems };
  }

  server(root: string | undefined, name: string): McpServerInfo | undefined {
    const c = this.resolve(root).connections.find((x) => x.server.name === name);
    return c ? this.info(c) : undefined;
  }

  async restart(root: string | undefined, name: string): Promise<McpServerInfo | undefined> {
    const c = this.resolve(root).connections.find((x) => x.server.name === name);
    if (!c) return undefined;
    await c.stop();
    c.reset();
    await c.ensure().catch(() => undefined);
    return this.info(c);
  }

  /** The enabled tools of every enabled server of a root, started as needed, as the agent calls them. */
  async toolsFor(root: string): Promise<{ tools: ExternalTool[]; problems: string[] }> {
    const { connections, problems } = this.resolve(root);
    const tools: ExternalTool[] = [];
    const used = new Set<string>();
    for (const c of connections) {
      if (c.state === 'disabled' || !this.enabled(c.server.name)) continue;
      try {
        await c.ensure();
      } catch (err) {
        problems.push((err as Error).message);
        continue;
      }
      for (const t of c.tools) {
        if (!this.enabled(c.server.name, t.tool)) continue;
        let name = t.name;
        for (let i = 2; used.has(name); i++) name = `${t.name.slice(0, 60)}_${i}`;
        used.add(name);
        tools.push({
          name,
          server: c.server.name,
          tool: t.tool,
          description: t.description || `${t.tool} (MCP server ${c.server.name})`,
          parameters: t.inputSchema?.type === 'object' ? withoutSchemaKey(t.inputSchema) : { type: 'object', properties: {} },
          trusted: c.server.trusted,
          call: (args, signal) => c.call(t.tool, args, signal),
        });
      }
    }
    return { tools, problems };
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.connections.values()].map((c) => c.stop()));
    this.connections.clear();
  }
}
