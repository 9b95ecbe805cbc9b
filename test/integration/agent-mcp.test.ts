/**
 * The agent as an MCP client, through the real daemon: a stdio server written with the
 * SDK (test/fixtures/mcp/echo-server.mjs) configured in .vscode/mcp.json whose tool the
 * agent calls after approval, with its secret env never shown; tools switched off; a
 * trusted server from config.json called without asking; a streamable HTTP server
 * (the SDK's server transport in this process) reached with its secret header; a crashing
 * server restarted within its bound and then left failed.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import {
  AgentRunRequest,
  AgentToolsRequest,
  McpListRequest,
  McpRestartRequest,
  McpSetToolEnabledRequest,
  type AgentRunResult,
} from '../../protocol';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { FakeOllama, tandemDefaultModels } from '../fake-ollama';
import { connectEditor, type ScriptedEditor } from './agent-editor';
import { makeWorkspace } from './agent-workspace';
import { removeHome, startDaemon, tempHome, type RunningDaemon } from './daemon-harness';

const ECHO = resolve(__dirname, '../fixtures/mcp/echo-server.mjs');
const CRASH = resolve(__dirname, '../fixtures/mcp/crash-server.mjs');
const SECRET = 'sekrit-token-value-4711';
const chat = '/api/chat' as const;

/**
 * A stateless streamable HTTP MCP server (one SDK server and transport per POST, as the
 * SDK's stateless example does): `whoami` says whether the bearer token came along.
 */
async function startHttpMcp(): Promise<{ url: string; posts: () => number; close: () => Promise<void> }> {
  let posts = 0;
  const http: Server = createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST' }).end();
      return;
    }
    posts++;
    const authorized = req.headers.authorization === `Bearer ${SECRET}`;
    const server = new McpServer({ name: 'web', version: '1.0.0' });
    server.registerTool('whoami', { description: 'Who is calling.', inputSchema: { name: z.string() } }, async ({ name }) => ({
      content: [{ type: 'text', text: `hello ${name}, ${authorized ? 'authorized' : 'anonymous'}` }],
    }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    void server.connect(transport).then(() => transport.handleRequest(req, res));
  });
  await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    posts: () => posts,
    close: () =>
      new Promise<void>((ok) => {
        http.closeAllConnections();
        http.close(() => ok());
      }),
  };
}

describe('agent with MCP servers (integration, real daemon)', function () {
  this.timeout(60_000);
  let fake: FakeOllama;
  let home: string;
  let ws: string;
  let daemon: RunningDaemon | undefined;
  let editor: ScriptedEditor | undefined;

  beforeEach(async () => {
    fake = new FakeOllama({ models: tandemDefaultModels() });
    await fake.start();
    home = tempHome('tandem-agent-mcp-');
    ws = makeWorkspace(home);
    mkdirSync(join(ws, '.vscode'));
    writeFileSync(
      join(ws, '.vscode', 'mcp.json'),
      `{
        // VS Code's format, comments and all
        "servers": {
          "echo": { "type": "stdio", "command": ${JSON.stringify(process.execPath)}, "args": [${JSON.stringify(ECHO)}], "env": { "ECHO_TOKEN": "${SECRET}" } },
          "crashy": { "command": ${JSON.stringify(process.execPath)}, "args": [${JSON.stringify(CRASH)}] },
        },
      }`,
    );
    daemon = await startDaemon(join(home, 'tandem'), {
      backends: [{ name: 'local', url: fake.url }],
      mcp: { maxRestarts: 1, servers: { calc: { command: process.execPath, args: [ECHO], trusted: true } } },
    });
  });

  afterEach(async () => {
    editor?.conn.close();
    editor = undefined;
    await daemon?.stop();
    daemon = undefined;
    await fake.stop();
    removeHome(home);
  });

  const run = (text: string): Promise<AgentRunResult> =>
    editor!.conn.connection.sendRequest(AgentRunRequest.type, { taskId: `t-${Math.random().toString(36).slice(2)}`, text });

  it('lists the servers and their tools, calls an untrusted tool after approval (once per task) and a trusted one without asking, and never shows a secret', async () => {
    editor = await connectEditor(daemon!, [ws], { approve: () => 'task' });
    await editor.conn.connection.sendRequest('tandem/workspace/register', { roots: [ws] });
    const listed = await editor.conn.connection.sendRequest(McpListRequest.type, { start: true });
    const echo = listed.servers.find((s) => s.name === 'echo')!;
    assert.equal(echo.state, 'running');
    assert.equal(echo.source, 'workspace');
    assert.deepEqual(echo.envNames, ['ECHO_TOKEN']);
    assert.deepEqual(
      echo.tools.map((t) => t.name),
      ['mcp_echo_echo', 'mcp_echo_add'],
    );
    assert.equal(listed.servers.find((s) => s.name === 'calc')!.trusted, true);
    assert.ok(!JSON.stringify(listed).includes(SECRET));

    fake.addRule({
      path: chat,
      times: 1,
      toolCalls: [
        { name: 'mcp_echo_echo', arguments: { text: 'hello' } },
        { name: 'mcp_echo_echo', arguments: { text: 'again' } },
        { name: 'mcp_calc_add', arguments: { a: 2, b: 3 } },
      ],
    });
    fake.addRule({ path: chat, times: 1, chunks: ['2 + 3 = 5'] });
    const result = await run('use the tools');
    assert.equal(result.status, 'done', result.reason);
    const results = editor.of('toolResult').map((e) => e.result);
    assert.deepEqual(
      results.map((r) => [r.status, r.output]),
      [
        ['ok', 'echo: hello (token set)'],
        ['ok', 'echo: again (token set)'],
        ['ok', '5'],
      ],
    );
    assert.deepEqual(
      editor.approvals.map((a) => (a.kind === 'mcpTool' ? [a.server, a.tool, a.arguments] : a.kind)),
      [['echo', 'echo', { text: 'hello' }]],
    );
    const calls = editor.of('toolCall').map((e) => e.call);
    assert.deepEqual(
      calls.map((c) => [c.source, c.server]),
      [
        ['mcp', 'echo'],
        ['mcp', 'echo'],
        ['mcp', 'calc'],
      ],
    );
    const body = fake.requestsTo('/api/chat')[0]!.body as { tools: Array<{ function: { name: string } }> };
    assert.ok(body.tools.some((t) => t.function.name === 'mcp_echo_add'));
    assert.ok(!daemon!.log().includes(SECRET), 'the secret never reaches the log');
    assert.ok(!JSON.stringify(editor.events).includes(SECRET));

    // Switched off, a tool is not offered any more.
    const off = await editor.conn.connection.sendRequest(McpSetToolEnabledRequest.type, { server: 'echo', tool: 'add', enabled: false });
    assert.equal(off.server.tools.find((t) => t.tool === 'add')!.enabled, false);
    const tools = await editor.conn.connection.sendRequest(AgentToolsRequest.type, {});
    assert.equal(tools.tools.find((t) => t.name === 'mcp_echo_add')!.enabled, false);
    assert.equal(tools.tools.find((t) => t.name === 'mcp_echo_echo')!.needsApproval, true);
    assert.equal(tools.tools.find((t) => t.name === 'mcp_calc_echo')!.needsApproval, false);
    fake.addRule({ path: chat, times: 1, chunks: ['nothing to do'] });
    await run('again');
    const second = fake.requestsTo('/api/chat').at(-1)!.body as { tools: Array<{ function: { name: string } }> };
    assert.ok(!second.tools.some((t) => t.function.name === 'mcp_echo_add'));
    assert.ok(second.tools.some((t) => t.function.name === 'mcp_echo_echo'));
  });

  it('calls a streamable HTTP server from config.json with its secret header, which never shows', async () => {
    const web = await startHttpMcp();
    try {
      await daemon!.stop();
      daemon = await startDaemon(join(home, 'tandem'), {
        backends: [{ name: 'local', url: fake.url }],
        mcp: { servers: { web: { url: web.url, headers: { Authorization: `Bearer ${SECRET}` } } } },
      });
      editor = await connectEditor(daemon, [ws], { approve: () => 'once' });
      await editor.conn.connection.sendRequest('tandem/workspace/register', { roots: [ws] });
      fake.addRule({ path: chat, times: 1, toolCalls: [{ name: 'mcp_web_whoami', arguments: { name: 'tandem' } }] });
      fake.addRule({ path: chat, times: 1, chunks: ['it knows us'] });
      const result = await run('who am I');
      assert.equal(result.status, 'done', result.reason);
      const results = editor.of('toolResult').map((e) => e.result);
      assert.deepEqual(
        results.map((r) => [r.status, r.output]),
        [['ok', 'hello tandem, authorized']],
      );
      assert.deepEqual(
        editor.approvals.map((a) => (a.kind === 'mcpTool' ? [a.server, a.tool] : a.kind)),
        [['web', 'whoami']],
      );
      assert.ok(web.posts() >= 3, 'initialize, tools/list and tools/call went over HTTP');
      const listed = await editor.conn.connection.sendRequest(McpListRequest.type, {});
      const server = listed.servers.find((s) => s.name === 'web')!;
      assert.equal(server.state, 'running');
      assert.equal(server.source, 'config');
      assert.ok(!JSON.stringify(listed).includes(SECRET));
      assert.ok(!JSON.stringify(editor.events).includes(SECRET));
      assert.ok(!daemon.log().includes(SECRET), 'the secret header never reaches the log');
    } finally {
      editor?.conn.close();
      editor = undefined;
      await daemon?.stop();
      daemon = undefined;
      await web.close();
    }
  });

  it('restarts a crashed server once (maxRestarts 1), then leaves it failed until restarted by hand', async () => {
    editor = await connectEditor(daemon!, [ws], { approve: () => 'task' });
    await editor.conn.connection.sendRequest('tandem/workspace/register', { roots: [ws] });
    fake.addRule({ path: chat, times: 1, toolCalls: [{ name: 'mcp_crashy_boom', arguments: {} }] });
    fake.addRule({ path: chat, times: 1, toolCalls: [{ name: 'mcp_crashy_boom', arguments: {} }] });
    fake.addRule({ path: chat, times: 1, chunks: ['it keeps crashing'] });
    const first = await run('boom');
    assert.equal(first.status, 'done');
    const results = editor.of('toolResult').map((e) => e.result);
    assert.deepEqual(
      results.map((r) => r.status),
      ['error', 'error'],
    );
    let crashy = (await editor.conn.connection.sendRequest(McpListRequest.type, {})).servers.find((s) => s.name === 'crashy')!;
    assert.equal(crashy.state, 'failed');
    assert.equal(crashy.restarts, 1);
    assert.match(crashy.error!, /crashed 2 times in ten minutes and is not restarted/);

    // The next task does not start it again, and says why.
    fake.addRule({ path: chat, times: 1, chunks: ['ok'] });
    await run('later');
    assert.ok(editor.of('notice').some((n) => /crashed 2 times/.test(n.message)));
    const later = fake.requestsTo('/api/chat').at(-1)!.body as { tools: Array<{ function: { name: string } }> };
    assert.ok(!later.tools.some((t) => t.function.name === 'mcp_crashy_boom'));

    crashy = (await editor.conn.connection.sendRequest(McpRestartRequest.type, { server: 'crashy' })).server;
    assert.equal(crashy.state, 'running');
  });
});
