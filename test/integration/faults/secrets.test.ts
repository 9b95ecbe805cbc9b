/**
 * Backend credentials never leave the daemon: a token and an API key sent as headers
 * with `tandem/settings/update` (as the extension does from SecretStorage) and a
 * password in a backend URL are used upstream, but appear nowhere the user or another
 * process can read: not in the daemon log, /metrics, status, doctor output, health
 * history, usage or stats — even when a misbehaving server echoes them back in its
 * error messages. Every credential form (a key in the URL's query, a token as its user
 * name, a configured Basic header, each echoed decoded) is checked on every surface,
 * error messages included, and `/ready` without the token shows no URL and no path.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import {
  ChatSendRequest,
  DoctorRequest,
  HealthHistoryRequest,
  InlineCompletionRequest,
  SettingsUpdateRequest,
  StatsGetRequest,
  StatusRequest,
  UsageGetRequest,
  WorkspaceRegisterRequest,
} from '../../../protocol';
import { FakeOllama, tandemDefaultModels } from '../../fake-ollama';
import { removeHome, startDaemon, tempHome, type RunningDaemon } from '../daemon-harness';
import { completion, rpcError } from './helpers';
import { faultCase } from './tally';

const TOKEN = 'tk-5ecret-0f-the-dgx-b4f1e2';
const API_KEY = 'ak-another-5ecret-77c1';
const URL_PASSWORD = 'pw-url-5ecret-93aa';
const QUERY_KEY = 'qk-query-5ecret-41d0';
const USER_TOKEN = 'ut-user-5ecret-5e2c';
const BASIC_PASSWORD = 'bp-basic-5ecret-c7a9';
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** A server that refuses every request, echoing the URL it was asked for and its credentials, decoded. */
function echoingServer(): Server {
  return createServer((req, res) => {
    const auth = String(req.headers.authorization ?? '');
    const decoded = /^basic /i.test(auth) ? Buffer.from(auth.slice(6), 'base64').toString() : '';
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: `denied ${req.url} for ${auth} (${decoded}) key=${req.headers['x-api-key']}` }));
  });
}

describe('faults: secrets stay secret (real daemon)', function () {
  this.timeout(60_000);
  let local: FakeOllama;
  let basic: FakeOllama;
  let echo: Server;
  let echoUrl = '';
  const echoed: string[] = [];
  let home: string;
  let daemon: RunningDaemon | undefined;

  before(async () => {
    local = new FakeOllama({ models: tandemDefaultModels(), defaultReply: { chunks: ['ok'] } });
    await local.start();
    basic = new FakeOllama({ models: tandemDefaultModels(), defaultReply: { chunks: ['ok'] } });
    await basic.start();
    // A proxy that refuses every request and echoes the credentials it got in its error.
    echo = createServer((req, res) => {
      echoed.push(String(req.headers.authorization));
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: `invalid credentials: authorization=${req.headers.authorization} x-api-key=${req.headers['x-api-key']}` }),
      );
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    echoUrl = `http://127.0.0.1:${(echo.address() as { port: number }).port}`;
    home = tempHome('tandem-fault-secrets-');
  });
  after(async () => {
    await daemon?.stop();
    await local.stop();
    await basic.stop();
    await new Promise<void>((r) => echo.close(() => r()));
    removeHome(home);
  });

  faultCase(
    'headers from SecretStorage and URL passwords never appear in logs, /metrics, status, doctor, health history, usage or stats',
    async () => {
      daemon = await startDaemon(home, { backends: [{ name: 'local', url: local.url }], router: { failureThreshold: 2 } });
      const conn = await daemon.connect({ statusNotifications: true });
      const logs: string[] = [];
      conn.connection.onNotification('tandem/log', (p: { message: string }) => logs.push(p.message));
      try {
        const applied = await conn.connection.sendRequest(SettingsUpdateRequest.type, {
          backends: [
            {
              name: 'remote',
              url: echoUrl,
              kind: 'ollama',
              priority: 0,
              headers: { Authorization: `Bearer ${TOKEN}`, 'X-Api-Key': API_KEY },
            },
            { name: 'proxied', url: `http://tandem:${URL_PASSWORD}@127.0.0.1:${basic.port}`, kind: 'ollama', priority: 5 },
            { name: 'local', url: local.url, kind: 'ollama', priority: 10 },
          ],
        });
        for (let i = 0; i < 4; i++) {
          const r = await conn.connection.sendRequest(InlineCompletionRequest.type, completion(`// call ${i}\n`));
          assert.notEqual(r.backend, 'remote');
        }
        const doctor = await conn.connection.sendRequest(DoctorRequest.type);
        const status = await conn.connection.sendRequest(StatusRequest.type);
        const history = await conn.connection.sendRequest(HealthHistoryRequest.type, {});
        const usage = await conn.connection.sendRequest(UsageGetRequest.type, {});
        const stats = await conn.connection.sendRequest(StatsGetRequest.type, {});
        const metrics = await (await fetch(daemon.url('/metrics'))).text();
        const ready = await (await fetch(daemon.url('/ready'))).text();
        await new Promise((r) => setTimeout(r, 300));

        // The credentials were really used upstream…
        assert.ok(echoed.includes(`Bearer ${TOKEN}`), 'the token reached the remote backend');
        const basicAuth = basic.requests.map((r) => r.headers.authorization).find(Boolean);
        assert.equal(
          basicAuth,
          `Basic ${Buffer.from(`tandem:${URL_PASSWORD}`).toString('base64')}`,
          'the URL password became a Basic header',
        );
        // …and the remote's refusal is reported (without them).
        assert.ok(
          status.backends.some((b) => b.name === 'remote' && /401/.test(b.lastError ?? '')),
          JSON.stringify(status.backends),
        );
        assert.ok(doctor.checks.some((c) => c.backend === 'remote' && c.status === 'error'));

        const outputs: Record<string, string> = {
          'daemon log (stderr)': daemon.log(),
          'settings/update result': JSON.stringify(applied),
          'log notifications': logs.join('\n'),
          doctor: JSON.stringify(doctor),
          status: JSON.stringify(status),
          'health history': JSON.stringify(history),
          usage: JSON.stringify(usage),
          stats: JSON.stringify(stats),
          '/metrics': metrics,
          '/ready': ready,
        };
        const secrets = [TOKEN, API_KEY, URL_PASSWORD, Buffer.from(`tandem:${URL_PASSWORD}`).toString('base64')];
        for (const [where, text] of Object.entries(outputs)) {
          assert.ok(text.length > 0, `${where} is not empty`);
          for (const secret of secrets)
            assert.ok(
              !text.includes(secret),
              `${where} contains a secret (${secret.slice(0, 6)}…): ${text.slice(Math.max(0, text.indexOf(secret) - 120), text.indexOf(secret) + 40)}`,
            );
        }
        assert.match(outputs['daemon log (stderr)'], /remote/, 'the log does talk about the backend, by name');
      } finally {
        conn.close();
      }
    },
  );

  faultCase(
    'every credential form, echoed decoded by a server, is absent from every surface; /ready without the token shows no URL or path',
    async () => {
      await daemon?.stop();
      const server = echoingServer();
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const port = (server.address() as { port: number }).port;
      const at = `127.0.0.1:${port}`;
      const home2 = tempHome('tandem-fault-secrets2-');
      const root = join(home2, '..', `${home2.split('/').pop()}-workspace`);
      mkdirSync(root, { recursive: true });
      writeFileSync(join(root, 'a.ts'), 'export const a = 1;\n');
      daemon = await startDaemon(home2, { backends: [], router: { failureThreshold: 1 } });
      const conn = await daemon.connect({ statusNotifications: true });
      const logs: string[] = [];
      conn.connection.onNotification('tandem/log', (p: { message: string }) => logs.push(p.message));
      try {
        const applied = await conn.connection.sendRequest(SettingsUpdateRequest.type, {
          backends: [
            {
              name: 'headers',
              url: `http://${at}`,
              kind: 'ollama',
              priority: 0,
              headers: { Authorization: `Bearer ${TOKEN}`, 'X-Api-Key': API_KEY },
            },
            { name: 'password', url: `http://tandem:${URL_PASSWORD}@${at}`, kind: 'openai-compatible', priority: 1 },
            { name: 'username', url: `http://${USER_TOKEN}@${at}`, kind: 'ollama', priority: 2 },
            { name: 'query', url: `http://${at}/?api_key=${QUERY_KEY}#frag`, kind: 'ollama', priority: 3 },
            {
              name: 'basic',
              url: `http://${at}`,
              kind: 'ollama',
              priority: 4,
              headers: { Authorization: `Basic ${b64(`alice:${BASIC_PASSWORD}`)}` },
            },
          ],
        });
        await conn.connection.sendRequest(WorkspaceRegisterRequest.type, { roots: [root] });
        const completionError = await rpcError(
          conn.connection.sendRequest(InlineCompletionRequest.type, completion('// fails everywhere\n')),
        );
        const chatError = await rpcError(
          conn.connection.sendRequest(ChatSendRequest.type, {
            conversationId: 'secrets',
            workspace: root,
            text: 'hello',
            context: { files: [] },
          }),
        );
        const doctor = await conn.connection.sendRequest(DoctorRequest.type);
        const status = await conn.connection.sendRequest(StatusRequest.type);
        const history = await conn.connection.sendRequest(HealthHistoryRequest.type, {});
        const usage = await conn.connection.sendRequest(UsageGetRequest.type, {});
        const stats = await conn.connection.sendRequest(StatsGetRequest.type, {});
        const anonymous = await fetch(daemon.url('/ready'));
        const anonymousReady = await anonymous.text();
        const tokenReady = await (await fetch(daemon.url('/ready'), { headers: { Authorization: `Bearer ${daemon.lock.token}` } })).text();
        const health = await (await fetch(daemon.url('/health'))).text();
        const metrics = await (await fetch(daemon.url('/metrics'))).text();
        await new Promise((r) => setTimeout(r, 300));

        // The servers were really asked, and the failures are reported by backend name.
        assert.ok(
          status.backends.every((b) => b.health === 'down'),
          JSON.stringify(status.backends),
        );
        assert.match(completionError.message, /headers|password|username|query|basic/);
        assert.equal(anonymous.status, 503);
        assert.ok(JSON.parse(tokenReady).backends.length === 5, 'with the token /ready lists the backends');

        const surfaces: Record<string, string> = {
          'daemon log (stderr)': daemon.log(),
          'log notifications': logs.join('\n'),
          'settings/update result': JSON.stringify(applied),
          'completion error': JSON.stringify({ message: completionError.message, data: completionError.data }),
          'chat error': JSON.stringify({ message: chatError.message, data: chatError.data }),
          doctor: JSON.stringify(doctor),
          status: JSON.stringify(status),
          'health history': JSON.stringify(history),
          usage: JSON.stringify(usage),
          stats: JSON.stringify(stats),
          '/ready': anonymousReady,
          '/ready with the token': tokenReady,
          '/health': health,
          '/metrics': metrics,
        };
        const forms: Record<string, string> = {
          'bearer token': TOKEN,
          'api key header': API_KEY,
          'url password': URL_PASSWORD,
          'url user:password': `tandem:${URL_PASSWORD}`,
          'url password as Basic': b64(`tandem:${URL_PASSWORD}`),
          'url user name token': USER_TOKEN,
          'url user name as Basic': b64(`${USER_TOKEN}:`),
          'query key': QUERY_KEY,
          fragment: '#frag',
          'configured Basic header': b64(`alice:${BASIC_PASSWORD}`),
          'configured Basic decoded': `alice:${BASIC_PASSWORD}`,
          'configured Basic password': BASIC_PASSWORD,
        };
        for (const [where, text] of Object.entries(surfaces)) {
          assert.ok(text.length > 0, `${where} is not empty`);
          for (const [form, secret] of Object.entries(forms)) {
            const i = text.indexOf(secret);
            assert.ok(i < 0, `${where} contains the ${form}: …${text.slice(Math.max(0, i - 120), i + 40)}`);
          }
        }
        // /ready without the token: ready or not and why, naming backends but no URL, error text or path.
        const body = JSON.parse(anonymousReady) as Record<string, unknown>;
        assert.deepEqual(Object.keys(body).sort(), ['ready', 'reasons']);
        assert.ok(
          (body.reasons as string[]).some((r) => /Backend headers is down/.test(r)),
          anonymousReady,
        );
        for (const leak of [at, root, home2, 'http://', '401'])
          assert.ok(!anonymousReady.includes(leak), `/ready shows ${leak}: ${anonymousReady}`);
        assert.ok(tokenReady.includes(at) && tokenReady.includes(root), 'token holders still see URLs and roots');
        assert.match(surfaces['daemon log (stderr)'], /password|username|query/, 'the log does talk about the backends, by name');
      } finally {
        conn.close();
        await daemon.stop();
        daemon = undefined;
        await new Promise<void>((r) => server.close(() => r()));
        removeHome(home2);
        removeHome(root);
      }
    },
  );
});
