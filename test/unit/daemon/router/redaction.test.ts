/**
 * A server that echoes the credentials it was sent (in an HTTP error body or an
 * in-stream error) must not get them into the router's errors, status or logs.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { makeConfig, makeRouter } from './helpers';

const SECRET = 'sk-echoed-by-a-proxy-4411';

describe('ops: router scrubs echoed credentials', function () {
  this.timeout(10_000);
  let server: Server;
  let url = '';
  before(async () => {
    server = createServer((req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `forbidden for ${req.headers.authorization} / ${req.headers['x-api-key']}` }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('from call errors, probe errors, status and log lines', async () => {
    const { router, logger } = makeRouter(
      makeConfig([{ name: 'dgx', url: url.replace('http://', `http://user:${SECRET}-pw@`), headers: { 'X-Api-Key': SECRET } }]),
    );
    try {
      const err = await router.complete({ prefix: 'x', suffix: '' }).then(
        () => undefined,
        (e: unknown) => e as Error & { hint?: string },
      );
      assert.ok(err, 'the call fails');
      assert.match(err.message, /forbidden for \[redacted\] \/ \[redacted\]/);
      await router.probeAll();
      const everything = JSON.stringify({ message: err.message, hint: err.hint, status: router.status(), log: logger.lines });
      assert.ok(!everything.includes(SECRET), everything.slice(everything.indexOf(SECRET) - 100, everything.indexOf(SECRET) + 20));
      assert.ok(!everything.includes(Buffer.from(`user:${SECRET}-pw`).toString('base64')));
    } finally {
      router.dispose();
    }
  });
});
