/**
 * Backend credentials never leave the daemon: a token and an API key sent as headers
 * with `tandem/settings/update` (as the extension does from SecretStorage) and a
 * password in a backend URL are used upstream, but appear nowhere the user or another
 * process can read: not in the daemon log, /metrics, status, doctor output, health
 * history, usage or stats — even when a misbehaving server echoes them back in its
 * error messages.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import {
  DoctorRequest,
  HealthHistoryRequest,
  InlineCompletionRequest,
  SettingsUpdateRequest,
  StatsGetRequest,
  StatusRequest,
  UsageGetRequest,
} from '../../../protocol';
import { FakeOllama, tandemDefaultModels } from '../../fake-ollama';
import { removeHome, startDaemon, tempHome, type RunningDaemon } from '../daemon-harness';
import { completion } from './helpers';
import { faultCase } from './tally';

const TOKEN = 'tk-5ecret-0f-the-dgx-b4f1e2';
const API_KEY = 'ak-another-5ecret-77c1';
const URL_PASSWORD = 'pw-url-5ecret-93aa';

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
});
