/**
 * Hostile and odd input against the real daemon: malformed, invalid and oversize
 * messages (typed errors, nothing stored, other clients unaffected), missing or wrong
 * tokens and browser origins, paths outside the workspace, symlink loops and escapes,
 * binary / 100 MB / non-UTF-8 files, and a 50,000-file repository.
 */
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, openSync, symlinkSync, writeFileSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import {
  ChatListRequest,
  ChatSendRequest,
  ContextSearchRequest,
  ErrorCodes,
  FixProposeRequest,
  InlineCompletionRequest,
  StatsGetRequest,
  StatusRequest,
  WorkspaceRegisterRequest,
} from '../../../protocol';
import { openSocket, type DaemonConnection } from '../../../protocol/client';
import { FakeOllama, tandemDefaultModels } from '../../fake-ollama';
import { eventually, removeHome, startDaemon, tempHome, type RunningDaemon } from '../daemon-harness';
import { completion, rpcError, rssMb } from './helpers';
import { faultCase, tally } from './tally';

function raw(ws: WebSocket, frame: string): Promise<{ id?: unknown; result?: unknown; error?: { code: number; message: string } }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no reply to ${frame.slice(0, 80)}`)), 5000);
    ws.once('message', (data) => {
      clearTimeout(timer);
      resolve(JSON.parse(data.toString()) as { id?: unknown; result?: unknown; error?: { code: number; message: string } });
    });
    ws.send(frame);
  });
}

function upgradeStatus(port: number, headers: Record<string, string>, path = '/rpc'): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', () => resolve(-1));
  });
}

const shown = (id: string) => ({
  kind: 'shown' as const,
  completionId: id,
  at: 1,
  model: 'm',
  backend: 'local',
  languageId: 'ts',
  firstTokenMs: 1,
  totalMs: 2,
  lines: 1,
  chars: 1,
});

async function indexed(conn: DaemonConnection, root: string, timeoutMs: number): Promise<{ filesDone: number; filesTotal: number }> {
  return eventually(
    async () => {
      const s = await conn.connection.sendRequest(StatusRequest.type);
      const ix = s.indexing?.find((i) => i.root === root);
      if (ix?.state === 'error') throw new Error(`indexing failed: ${JSON.stringify(ix)}`);
      return ix?.state === 'ready' ? ix : undefined;
    },
    timeoutMs,
    `index of ${root} ready`,
  );
}

describe('faults: hostile input (real daemon)', function () {
  this.timeout(180_000);
  let fake: FakeOllama;
  let home: string;
  let work: string;
  let daemon: RunningDaemon;
  let conn: DaemonConnection;

  before(async () => {
    fake = new FakeOllama({ models: tandemDefaultModels(), defaultReply: { chunks: ['ok'] } });
    await fake.start();
    home = tempHome('tandem-fault-input-');
    work = tempHome('tandem-fault-work-');
    daemon = await startDaemon(home, {
      backends: [{ name: 'local', url: fake.url }],
      maxMessageBytes: 1024 * 1024,
      context: { watch: { enabled: false } },
    });
    conn = await daemon.connect();
  });
  after(async () => {
    conn?.close();
    await daemon?.stop();
    await fake.stop();
    removeHome(home);
    removeHome(work);
  });

  faultCase(
    'malformed, invalid and oversize messages get typed errors and store nothing; the connection and others keep working',
    async () => {
      const before = (await conn.connection.sendRequest(StatsGetRequest.type, { groupBy: [] })).total.shown;
      const ws = await openSocket({ port: daemon.port, token: daemon.lock.token });
      try {
        const init = await raw(
          ws,
          JSON.stringify({
            jsonrpc: '2.0',
            id: 1,
            method: 'initialize',
            params: { protocolVersion: { major: 1, minor: 0 }, client: { name: 'hostile', version: '0' } },
          }),
        );
        assert.ok(init.result);
        assert.equal(
          (await raw(ws, '{"jsonrpc":"2.0","id":2,"method":"tandem/events/report","params":{"events":[')).error?.code,
          ErrorCodes.ParseError,
        );
        assert.equal((await raw(ws, '\u0000\u0001binary\uFFFF')).error?.code, ErrorCodes.ParseError);
        // 499 valid events and one with a negative time: the whole batch is refused.
        const events = [...Array.from({ length: 499 }, (_, i) => shown(`ok-${i}`)), { ...shown('bad'), at: -5 }];
        const invalid = await raw(ws, JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tandem/events/report', params: { events } }));
        assert.equal(invalid.error?.code, ErrorCodes.InvalidParams);
        assert.match(invalid.error?.message ?? '', /events\.499\.at/);
        const tooMany = await raw(
          ws,
          JSON.stringify({
            jsonrpc: '2.0',
            id: 4,
            method: 'tandem/events/report',
            params: { events: Array.from({ length: 501 }, (_, i) => shown(`n-${i}`)) },
          }),
        );
        assert.equal(tooMany.error?.code, ErrorCodes.InvalidParams);
        const oversize = await raw(
          ws,
          JSON.stringify({
            jsonrpc: '2.0',
            id: 5,
            method: 'tandem/events/report',
            params: { events: [{ ...shown('huge'), text: 'x'.repeat(1536 * 1024) }] },
          }),
        );
        assert.equal(oversize.error?.code, ErrorCodes.MessageTooLarge);
        assert.match(oversize.error?.message ?? '', /exceeds the limit of 1048576 bytes/);
        assert.equal(oversize.id, 5);
        const typeConfusion = await raw(
          ws,
          JSON.stringify({
            jsonrpc: '2.0',
            id: 6,
            method: 'tandem/completion/inline',
            params: { document: { path: ['x'], prefix: { $gt: '' } } },
          }),
        );
        assert.equal(typeConfusion.error?.code, ErrorCodes.InvalidParams);
        const proto = await raw(ws, JSON.stringify({ jsonrpc: '2.0', id: 7, method: '__proto__', params: {} }));
        assert.equal(proto.error?.code, ErrorCodes.MethodNotFound);
        const ok = await raw(ws, JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'tandem/status/get' }));
        assert.ok((ok.result as { pid: number }).pid > 0, 'the same connection still works');
      } finally {
        ws.close();
      }
      // Past twice the limit the socket itself is closed (1009) before anything is parsed.
      const flood = await openSocket({ port: daemon.port, token: daemon.lock.token });
      const closed = new Promise<number>((r) => flood.once('close', (code) => r(code)));
      flood.send('x'.repeat(3 * 1024 * 1024));
      assert.equal(await closed, 1009);
      const after = (await conn.connection.sendRequest(StatsGetRequest.type, { groupBy: [] })).total.shown;
      assert.equal(after, before, 'nothing was stored by the refused messages');
      assert.equal((await conn.connection.sendRequest(InlineCompletionRequest.type, completion())).text, 'ok');
    },
  );

  faultCase('missing or wrong token, a browser Origin or a foreign Host are refused before any message', async () => {
    const port = daemon.port;
    const token = daemon.lock.token;
    assert.equal(await upgradeStatus(port, {}), 401);
    assert.equal(await upgradeStatus(port, { Authorization: 'Bearer ' }), 401);
    assert.equal(
      await upgradeStatus(port, { Authorization: `Bearer ${token.slice(0, -1)}${token.endsWith('a') ? 'b' : 'a'}` }),
      401,
      'one wrong character',
    );
    assert.equal(await upgradeStatus(port, { Authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` }), 401);
    assert.equal(
      await upgradeStatus(port, { Authorization: `Bearer ${token}`, Origin: 'http://localhost:3000' }),
      403,
      'a page served from localhost is a browser too',
    );
    assert.equal(await upgradeStatus(port, { Authorization: `Bearer ${token}`, Origin: 'null' }), 403);
    assert.equal(await upgradeStatus(port, { Authorization: `Bearer ${token}`, Host: 'attacker.example' }), 403, 'DNS rebinding');
    const metrics = await fetch(daemon.url('/metrics'), { headers: { Origin: 'https://evil.example' } });
    assert.equal(metrics.status, 403);
    assert.equal(await upgradeStatus(port, { Authorization: `Bearer ${token}` }), 101);
  });

  faultCase('paths outside the workspace are refused and nothing outside is read or stored', async () => {
    const root = join(work, 'ws-paths');
    const outside = join(work, 'outside-paths');
    mkdirSync(join(root, 'src'), { recursive: true });
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(root, 'src', 'main.ts'), 'export const inside = 1;\n');
    writeFileSync(join(outside, 'secret.ts'), 'export const OUTSIDE_SECRET_9f3b = "do not send";\n');
    await conn.connection.sendRequest(WorkspaceRegisterRequest.type, { roots: [root] });

    const missing = await rpcError(conn.connection.sendRequest(WorkspaceRegisterRequest.type, { roots: [join(work, 'does-not-exist')] }));
    assert.equal(missing.code, ErrorCodes.InvalidParams);

    for (const file of [join(outside, 'secret.ts'), `${root}/../outside-paths/secret.ts`, '/etc/passwd']) {
      const e = await rpcError(
        conn.connection.sendRequest(ChatSendRequest.type, {
          conversationId: `c-${file.length}`,
          workspace: root,
          text: 'what is in it?',
          context: { files: [file] },
        }),
      );
      assert.equal(e.code, ErrorCodes.PathOutsideWorkspace, file);
      assert.match(e.message, /outside the workspace/);
    }
    assert.deepEqual(
      (await conn.connection.sendRequest(ChatListRequest.type, { workspace: root })).conversations,
      [],
      'no conversation was stored',
    );

    const fix = await rpcError(
      conn.connection.sendRequest(FixProposeRequest.type, {
        document: { path: join(outside, 'secret.ts'), languageId: 'typescript', text: 'export const x: number = "a";\n' },
        diagnostics: [
          {
            message: 'Type string is not assignable to number',
            severity: 'error',
            range: { start: { line: 0, character: 13 }, end: { line: 0, character: 14 } },
          },
        ],
      } as never),
    );
    assert.ok(
      fix.code === ErrorCodes.PathOutsideWorkspace || fix.code === ErrorCodes.WorkspaceNotRegistered,
      `fix outside: ${fix.code} ${fix.message}`,
    );

    // A completion naming an outside file as "recent" must not send its content to the model.
    fake.clearRequests();
    await conn.connection.sendRequest(
      InlineCompletionRequest.type,
      completion('export const y = inside + ', {
        workspaceRoot: root,
        document: {
          path: join(root, 'src', 'main.ts'),
          languageId: 'typescript',
          prefix: 'export const y = inside + ',
          suffix: '',
          line: 1,
          character: 26,
        },
        recentFiles: [
          { path: join(outside, 'secret.ts'), open: true },
          { path: '/etc/passwd', open: true },
        ],
      }),
    );
    const sent = JSON.stringify(fake.requestsTo('/api/generate').map((r) => r.body));
    assert.doesNotMatch(sent, /OUTSIDE_SECRET_9f3b|root:x:0:0/, 'nothing outside the workspace reached the model');
  });

  faultCase('symlink loops and escapes in the workspace: indexing ends, nothing outside is indexed or readable', async () => {
    const root = join(work, 'ws-links');
    const outside = join(work, 'outside-links');
    mkdirSync(join(root, 'src', 'deep'), { recursive: true });
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(root, 'src', 'inside.ts'), 'export function insideMarkerFn() { return 1; }\n');
    writeFileSync(join(outside, 'leak.ts'), 'export function escapedMarkerFn() { return 2; }\n');
    symlinkSync('.', join(root, 'loop'));
    symlinkSync('..', join(root, 'src', 'deep', 'up'));
    symlinkSync(join(root, 'src'), join(root, 'src', 'deep', 'again'));
    symlinkSync(outside, join(root, 'escape'));
    symlinkSync(join(outside, 'leak.ts'), join(root, 'src', 'leak-link.ts'));
    symlinkSync(join(root, 'dangling-target'), join(root, 'dangling.ts'));
    await conn.connection.sendRequest(WorkspaceRegisterRequest.type, { roots: [root] });
    const ix = await indexed(conn, root, 30_000);
    assert.ok(ix.filesDone <= 3, `a loop must not multiply files (${ix.filesDone})`);
    const inside = await conn.connection.sendRequest(ContextSearchRequest.type, { query: 'insideMarkerFn', root });
    assert.ok(
      inside.hits.some((h) => h.file.endsWith('inside.ts')),
      'the real file is indexed',
    );
    const escaped = await conn.connection.sendRequest(ContextSearchRequest.type, { query: 'escapedMarkerFn', root, k: 100 });
    assert.deepEqual(
      escaped.hits.filter((h) => /leak|escape/.test(h.file) || h.preview.includes('escapedMarkerFn')),
      [],
      'nothing reached through a symlink out of the root is indexed',
    );
    for (const file of [join(root, 'escape', 'leak.ts'), join(root, 'src', 'leak-link.ts')]) {
      const e = await rpcError(
        conn.connection.sendRequest(ChatSendRequest.type, {
          conversationId: `l-${file.length}`,
          workspace: root,
          text: 'read it',
          context: { files: [file] },
        }),
      );
      assert.equal(e.code, ErrorCodes.PathOutsideWorkspace, file);
    }
  });

  faultCase('binary, 100 MB and non-UTF-8 files: indexed or skipped without reading them whole, text still found', async () => {
    const root = join(work, 'ws-odd');
    mkdirSync(root, { recursive: true });
    const huge = join(root, 'huge.ts');
    const fd = openSync(huge, 'w');
    ftruncateSync(fd, 100 * 1024 * 1024); // sparse: 100 MB of size, no disk blocks
    closeSync(fd);
    const bin = Buffer.alloc(64 * 1024);
    for (let i = 0; i < bin.length; i++) bin[i] = (i * 7919) % 256;
    bin.write('binaryMarkerFn', 1000);
    writeFileSync(join(root, 'blob.ts'), bin);
    writeFileSync(
      join(root, 'latin1.py'),
      Buffer.concat([Buffer.from('def latinMarkerFn():\n    return "caf'), Buffer.from([0xe9, 0xff, 0xfe]), Buffer.from('"\n')]),
    );
    writeFileSync(join(root, 'ok.ts'), 'export const okMarker = 1;\n');
    writeFileSync(join(root, 'unicode.ts'), '\uFEFF// Grüße, 日本語, emoji 🚲\nexport function unicodeMarkerFn() { return "ü"; }\n');
    const rssBefore = rssMb(daemon.proc.pid!);
    await conn.connection.sendRequest(WorkspaceRegisterRequest.type, { roots: [root] });
    await indexed(conn, root, 60_000);
    const rssAfter = rssMb(daemon.proc.pid!);
    assert.ok(rssAfter - rssBefore < 100, `the 100 MB file was not loaded into memory (RSS ${rssBefore} → ${rssAfter} MB)`);
    const files = async (query: string) =>
      (await conn.connection.sendRequest(ContextSearchRequest.type, { query, root, k: 100 })).hits.map((h) => h.file);
    // By design (daemon/context/workspace.ts) files that are not valid UTF-8 are skipped as `not-utf8`.
    assert.ok(!(await files('latinMarkerFn')).includes('latin1.py'), 'the non-UTF-8 file is skipped, not indexed as mojibake');
    assert.ok(!(await files('binaryMarkerFn')).includes('blob.ts'), 'binary files are skipped');
    assert.ok(!(await files('huge')).includes('huge.ts'), 'the 100 MB file is skipped');
    assert.ok((await files('okMarker')).includes('ok.ts'), 'the text file beside them is indexed');
    assert.ok((await files('unicodeMarkerFn')).includes('unicode.ts'), 'valid multi-byte UTF-8 is indexed');
    assert.equal((await conn.connection.sendRequest(InlineCompletionRequest.type, completion())).text, 'ok');
    tally.notes.push(`odd files: daemon RSS ${rssBefore} → ${rssAfter} MB while indexing a 100 MB file`);
  });

  faultCase('a repository of 50,000 files indexes to the end while completions keep being served', async () => {
    const root = join(work, 'ws-50k');
    for (let d = 0; d < 500; d++) {
      mkdirSync(join(root, `pkg${d}`), { recursive: true });
      for (let f = 0; f < 100; f++)
        writeFileSync(join(root, `pkg${d}`, `mod${f}.ts`), `export function fn_${d}_${f}(x: number): number {\n  return x + ${f};\n}\n`);
    }
    const started = Date.now();
    await conn.connection.sendRequest(WorkspaceRegisterRequest.type, { roots: [root] });
    let servedWhileIndexing = 0;
    for (;;) {
      const s = await conn.connection.sendRequest(StatusRequest.type);
      const ix = s.indexing?.find((i) => i.root === root);
      if (ix?.state === 'ready') break;
      assert.notEqual(ix?.state, 'error', JSON.stringify(ix));
      assert.ok(Date.now() - started < 170_000, `50,000 files not indexed within the test's bound (${JSON.stringify(ix)})`);
      assert.equal((await conn.connection.sendRequest(InlineCompletionRequest.type, completion())).text, 'ok');
      servedWhileIndexing++;
      await new Promise((r) => setTimeout(r, 200));
    }
    const ix = (await conn.connection.sendRequest(StatusRequest.type)).indexing!.find((i) => i.root === root)!;
    assert.equal(ix.filesDone, 50_000);
    const hit = await conn.connection.sendRequest(ContextSearchRequest.type, { query: 'fn_499_99', root });
    assert.ok(
      hit.hits.some((h) => h.file.endsWith(join('pkg499', 'mod99.ts'))),
      'the last file is searchable',
    );
    tally.notes.push(
      `50,000 files: indexed in ${((Date.now() - started) / 1000).toFixed(1)} s, ${servedWhileIndexing} completions served meanwhile, daemon RSS ${rssMb(daemon.proc.pid!)} MB`,
    );
  });
});
