/**
 * Which MCP servers a workspace has: config.json's `mcp.servers` for every workspace,
 * then the root's `.vscode/mcp.json` (VS Code's own format: JSON with comments, a
 * `servers` object; an entry of the same name wins over config.json's). Variables:
 * `${workspaceFolder}`, `${userHome}`, `${env:NAME}`; `${input:…}` needs a prompt
 * Tandem cannot show, so such a server is reported and left out. `envFile` is read
 * (KEY=VALUE lines). Problems are sentences, never thrown: a broken file leaves the
 * other servers working.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { z } from 'zod';
import type { McpConfig, McpServerConfig } from '../config';

export interface ResolvedServer {
  name: string;
  source: 'workspace' | 'config';
  transport: 'stdio' | 'http';
  command?: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  url?: string;
  headers: Record<string, string>;
  trusted: boolean;
  disabled: boolean;
}

const zFileServer = z.object({
  type: z.string().optional(),
  command: z.string().optional(),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  envFile: z.string().optional(),
  cwd: z.string().optional(),
  url: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  trusted: z.boolean().optional(),
  disabled: z.boolean().optional(),
});

class NeedsInput extends Error {}

function substitute(value: string, root: string | undefined, env: NodeJS.ProcessEnv): string {
  return value.replace(/\$\{([^}]+)\}/g, (whole, expr: string) => {
    if (expr === 'workspaceFolder' && root) return root;
    if (expr === 'userHome') return homedir();
    if (expr.startsWith('env:')) return env[expr.slice(4)] ?? '';
    if (expr.startsWith('input:')) throw new NeedsInput(expr.slice(6));
    return whole;
  });
}

function readEnvFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    out[m[1]!] = m[2]!.trim().replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

function resolveServer(
  name: string,
  raw: z.infer<typeof zFileServer> | McpServerConfig,
  source: ResolvedServer['source'],
  root: string | undefined,
  env: NodeJS.ProcessEnv,
): ResolvedServer | string {
  const where = source === 'workspace' ? '.vscode/mcp.json' : 'config.json mcp.servers';
  try {
    const sub = (v: string) => substitute(v, root, env);
    const type = raw.type ?? (raw.url ? 'http' : 'stdio');
    const serverEnv: Record<string, string> = {};
    if (raw.envFile) {
      const file = sub(raw.envFile);
      const path = isAbsolute(file) || !root ? file : join(root, file);
      if (!existsSync(path)) return `MCP server "${name}" (${where}): its envFile ${raw.envFile} does not exist.`;
      Object.assign(serverEnv, readEnvFile(path));
    }
    for (const [k, v] of Object.entries(raw.env ?? {})) if (v !== null && v !== undefined) serverEnv[k] = sub(String(v));
    const headers = Object.fromEntries(Object.entries(raw.headers ?? {}).map(([k, v]) => [k, sub(v)]));
    const common = { name, source, env: serverEnv, headers, trusted: raw.trusted === true, disabled: raw.disabled === true };
    if (type === 'stdio') {
      if (!raw.command) return `MCP server "${name}" (${where}) has no "command".`;
      const cwd = raw.cwd ? sub(raw.cwd) : root;
      return { ...common, transport: 'stdio', command: sub(raw.command), args: (raw.args ?? []).map(sub), ...(cwd ? { cwd } : {}) };
    }
    if (type === 'http' || type === 'sse') {
      if (!raw.url) return `MCP server "${name}" (${where}) has no "url".`;
      const url = sub(raw.url);
      if (!/^https?:\/\//.test(url)) return `MCP server "${name}" (${where}): "${url.replace(/\/\/[^@/]*@/, '//')}" is not an http(s) URL.`;
      return { ...common, transport: 'http', url, args: [] };
    }
    return `MCP server "${name}" (${where}) has the unknown type "${type}" (stdio or http).`;
  } catch (err) {
    if (err instanceof NeedsInput) {
      return `MCP server "${name}" (${where}) uses \${input:${err.message}}, which Tandem cannot prompt for; put the value in config.json's mcp.servers (or an envFile).`;
    }
    return `MCP server "${name}" (${where}): ${(err as Error).message}`;
  }
}

/** The servers for a root (or for no root), with the problems found. */
export function mcpServersFor(
  root: string | undefined,
  config: McpConfig,
  env: NodeJS.ProcessEnv = process.env,
): { servers: ResolvedServer[]; problems: string[] } {
  const problems: string[] = [];
  const byName = new Map<string, ResolvedServer>();
  for (const [name, raw] of Object.entries(config.servers)) {
    const r = resolveServer(name, raw, 'config', root, env);
    if (typeof r === 'string') problems.push(r);
    else byName.set(name, r);
  }
  const file = root ? join(root, '.vscode', 'mcp.json') : undefined;
  if (file && existsSync(file)) {
    const errors: ParseError[] = [];
    const parsed: unknown = parseJsonc(readFileSync(file, 'utf8'), errors, { allowTrailingComma: true });
    if (errors.length > 0) {
      problems.push(
        `${file} is not valid JSON (${printParseErrorCode(errors[0]!.error)} at offset ${errors[0]!.offset}); its servers are left out.`,
      );
    } else {
      const servers = (parsed as { servers?: unknown })?.servers;
      if (servers !== undefined && (typeof servers !== 'object' || servers === null || Array.isArray(servers))) {
        problems.push(`${file}: "servers" must be an object of named servers.`);
      } else {
        for (const [name, rawEntry] of Object.entries((servers ?? {}) as Record<string, unknown>)) {
          const entry = zFileServer.safeParse(rawEntry);
          if (!entry.success) {
            problems.push(
              `MCP server "${name}" (.vscode/mcp.json): ${entry.error.issues.map((i) => `${i.path.join('.') || 'entry'} ${i.message}`).join('; ')}.`,
            );
            continue;
          }
          const r = resolveServer(name, entry.data, 'workspace', root, env);
          if (typeof r === 'string') problems.push(r);
          else byName.set(name, r);
        }
      }
    }
  }
  return { servers: [...byName.values()], problems };
}

/** A server's target as shown to users: the command (no argument values), or the URL without credentials or query. */
export function displayTarget(s: ResolvedServer): string {
  if (s.transport === 'stdio') return `${s.command} (${s.args.length} argument${s.args.length === 1 ? '' : 's'})`;
  try {
    const u = new URL(s.url!);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
