import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { displayTarget, mcpServersFor } from '../../../../daemon/mcp/config';
import { modelToolName } from '../../../../daemon/mcp/manager';

const base = { servers: {}, maxRestarts: 3, startTimeoutMs: 1000, callTimeoutMs: 1000 };

describe('MCP configuration', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tandem-mcp-'));
    mkdirSync(join(root, '.vscode'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads VS Code’s mcp.json (comments, trailing commas, variables, envFile), and lets it override config.json by name', () => {
    writeFileSync(join(root, '.env.mcp'), 'API_TOKEN="from-file"\n# comment\nexport OTHER=2\n');
    writeFileSync(
      join(root, '.vscode', 'mcp.json'),
      `{
        // a comment
        "servers": {
          "files": { "type": "stdio", "command": "node", "args": ["\${workspaceFolder}/server.js"], "env": { "HOME_DIR": "\${env:MY_HOME}" }, "envFile": "\${workspaceFolder}/.env.mcp" },
          "web": { "type": "http", "url": "https://user:pw@mcp.example.com/mcp?key=1", "headers": { "Authorization": "Bearer abc" } },
          "shared": { "command": "uvx", "args": ["local"] },
        },
      }`,
    );
    const { servers, problems } = mcpServersFor(
      root,
      {
        ...base,
        servers: {
          shared: { command: 'npx', args: [], env: {}, headers: {}, trusted: true, disabled: false },
          global: { command: 'g', args: [], env: {}, headers: {}, trusted: false, disabled: false },
        },
      } as never,
      { MY_HOME: '/home/me' },
    );
    assert.deepEqual(problems, []);
    const byName = Object.fromEntries(servers.map((s) => [s.name, s]));
    assert.deepEqual(Object.keys(byName).sort(), ['files', 'global', 'shared', 'web']);
    assert.deepEqual(byName.files!.args, [`${root}/server.js`]);
    assert.deepEqual(byName.files!.env, { API_TOKEN: 'from-file', OTHER: '2', HOME_DIR: '/home/me' });
    assert.equal(byName.files!.cwd, root);
    assert.equal(byName.shared!.command, 'uvx', 'the workspace entry wins');
    assert.equal(byName.shared!.source, 'workspace');
    assert.equal(byName.web!.transport, 'http');
    assert.equal(displayTarget(byName.web!), 'https://mcp.example.com/mcp', 'no credentials or query in what is shown');
    assert.equal(displayTarget(byName.files!), 'node (1 argument)');
  });

  it('reports what it cannot use, one sentence per problem, and keeps the rest', () => {
    writeFileSync(
      join(root, '.vscode', 'mcp.json'),
      JSON.stringify({
        servers: {
          ok: { command: 'node' },
          nocmd: { type: 'stdio' },
          prompt: { command: 'x', env: { KEY: '${input:apiKey}' } },
          bad: { type: 'carrier-pigeon', command: 'x' },
          nourl: { type: 'http' },
        },
      }),
    );
    const { servers, problems } = mcpServersFor(root, base as never, {});
    assert.deepEqual(
      servers.map((s) => s.name),
      ['ok'],
    );
    assert.equal(problems.length, 4);
    assert.ok(problems.some((p) => /"nocmd".*no "command"/.test(p)));
    assert.ok(problems.some((p) => /\$\{input:apiKey\}.*cannot prompt/.test(p)));
    assert.ok(problems.some((p) => /unknown type "carrier-pigeon"/.test(p)));
    assert.ok(problems.some((p) => /"nourl".*no "url"/.test(p)));
    writeFileSync(join(root, '.vscode', 'mcp.json'), '{ "servers": { ');
    assert.match(mcpServersFor(root, base as never, {}).problems[0]!, /not valid JSON/);
  });

  it('names tools mcp_<server>_<tool> in the characters a tool name allows, at most 64 long', () => {
    assert.equal(modelToolName('my server', 'read.file'), 'mcp_my_server_read_file');
    assert.equal(modelToolName('s', 'x'.repeat(100)).length, 64);
  });
});
