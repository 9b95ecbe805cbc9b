import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { ErrorCodes } from '../../../protocol';
import {
  DEFAULT_MAX_DEPTH,
  MAX_ID_LENGTH,
  WebSocketMessageWriter,
  nestsDeeperThan,
  screenFrame,
  type TransportOptions,
} from '../../../protocol/transport';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const daemonSide: TransportOptions = { acceptResponses: false };

function screen(frame: string, opts: TransportOptions = daemonSide) {
  return screenFrame(frame, Buffer.byteLength(frame), false, opts);
}

function refused(frame: string, opts: TransportOptions = daemonSide) {
  const verdict = screen(frame, opts);
  assert.ok('reject' in verdict, `expected ${frame.slice(0, 80)} to be refused`);
  return verdict.reject;
}

describe('transport: screening a frame before dispatch', () => {
  it('passes requests, notifications and (where the peer may send them) responses through unchanged', () => {
    const request = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: { major: 1, minor: 0 } } };
    assert.deepEqual(screen(JSON.stringify(request)), { message: request });
    const cancel = { jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 'abc' } };
    assert.deepEqual(screen(JSON.stringify(cancel)), { message: cancel });
    const response = { jsonrpc: '2.0', id: 3, result: { ok: true } };
    assert.deepEqual(screen(JSON.stringify(response), {}), { message: response });
    assert.deepEqual(screen(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: 1, message: 'x' } }), {}), {
      message: { jsonrpc: '2.0', id: null, error: { code: 1, message: 'x' } },
    });
  });

  it('refuses a frame nested deeper than the limit wherever the nesting is, without recursing', () => {
    // 20,000 levels in 40 KB: what used to crash the daemon inside vscode-jsonrpc's log.
    for (const frame of [
      `{"jsonrpc":"2.0","id":${nested(20_000)},"method":"initialize"}`,
      `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"a":${nested(DEFAULT_MAX_DEPTH)}}}`,
      `{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":${nested(20_000)}}}`,
      `{"jsonrpc":"2.0","id":null,"error":{"code":1,"message":"x","data":${nested(20_000)}}}`,
    ]) {
      const r = refused(frame);
      assert.equal(r.code, ErrorCodes.InvalidRequest);
      assert.equal(r.message, `Message nests arrays or objects deeper than ${DEFAULT_MAX_DEPTH} levels; no protocol message does.`);
    }
    const r = refused(`{"jsonrpc":"2.0","id":9,"method":"m","params":{"a":${nested(40)}}}`);
    assert.equal(r.id, 9, 'the error is correlated with the request when its id is sound');
    assert.ok(
      'message' in screen(`{"jsonrpc":"2.0","id":1,"method":"m","params":{"a":${nested(DEFAULT_MAX_DEPTH - 2)}}}`),
      'at the limit: fine',
    );
    assert.equal(nestsDeeperThan(JSON.parse(nested(100_000)), 32), true);
    assert.equal(nestsDeeperThan({ a: [{ b: [1, 2, { c: 'd' }] }] }, 5), false);
    assert.equal(nestsDeeperThan({ a: [{ b: [1, 2, { c: 'd' }] }] }, 4), true);
  });

  it('refuses an id that is not a string or number, and a request with a null id', () => {
    for (const id of ['{"a":1}', '[1]', 'true', 'null', `"${'x'.repeat(MAX_ID_LENGTH + 1)}"`]) {
      const r = refused(`{"jsonrpc":"2.0","id":${id},"method":"initialize"}`);
      assert.equal(r.code, ErrorCodes.InvalidRequest, id);
      assert.equal(r.id, null);
      assert.match(r.message, /The "id" of a request is a string \(at most 256 characters\) or a number/);
    }
    const ok = screen(`{"jsonrpc":"2.0","id":"${'x'.repeat(MAX_ID_LENGTH)}","method":"initialize"}`);
    assert.ok('message' in ok);
  });

  it('refuses a $/cancelRequest without an id to cancel (vscode-jsonrpc reads params.id unchecked)', () => {
    for (const frame of [
      '{"jsonrpc":"2.0","method":"$/cancelRequest"}',
      '{"jsonrpc":"2.0","method":"$/cancelRequest","params":5}',
      '{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":{"x":1}}}',
    ]) {
      const r = refused(frame);
      assert.equal(r.code, ErrorCodes.InvalidRequest);
      assert.match(r.message, /"\$\/cancelRequest" needs "params": \{"id"/);
    }
  });

  it('on the daemon, refuses every response: it never sends a request a client could answer', () => {
    for (const frame of ['{"jsonrpc":"2.0","id":7,"result":{}}', '{"jsonrpc":"2.0","id":null,"error":{"code":1,"message":"x"}}']) {
      const r = refused(frame);
      assert.equal(r.code, ErrorCodes.InvalidRequest);
      assert.match(r.message, /tandemd never sends requests, so it accepts no responses/);
    }
    assert.equal(refused('{"jsonrpc":"2.0","id":7,"result":{}}').id, 7);
    const client = refused('{"jsonrpc":"2.0","id":{"a":1},"result":{}}', {});
    assert.match(client.message, /The "id" of a response is a string, a number or null/);
  });

  it("on the daemon with acceptResponses 'own', passes only answers to its own awaited requests", () => {
    const own: Parameters<typeof screenFrame>[3] = { acceptResponses: 'own', ownRequest: (id) => id === 4 || id === 'r-1' };
    for (const frame of [
      '{"jsonrpc":"2.0","id":4,"result":{"choice":"deny"}}',
      '{"jsonrpc":"2.0","id":"r-1","error":{"code":1,"message":"x"}}',
    ]) {
      assert.deepEqual(screenFrame(frame, frame.length, false, own), { message: JSON.parse(frame) });
    }
    for (const frame of ['{"jsonrpc":"2.0","id":5,"result":{}}', '{"jsonrpc":"2.0","id":null,"error":{"code":1,"message":"x"}}']) {
      const v = screenFrame(frame, frame.length, false, own);
      assert.ok('reject' in v);
      assert.equal(v.reject.code, ErrorCodes.InvalidRequest);
      assert.match(v.reject.message, /No request with the id (5|null) awaits an answer on this connection/);
    }
    const bad = screenFrame('{"jsonrpc":"2.0","id":{"a":1},"result":{}}', 40, false, own);
    assert.ok('reject' in bad && /The "id" of a response is a string, a number or null/.test(bad.reject.message));
  });

  it('keeps the earlier rules: size, binary, JSON, batches, shape', () => {
    const code = (v: ReturnType<typeof screenFrame>) => ('reject' in v ? v.reject.code : undefined);
    assert.equal(code(screenFrame('{"jsonrpc":"2.0"}', 5000, false, { maxMessageBytes: 1024 })), ErrorCodes.MessageTooLarge);
    assert.equal(code(screenFrame('\u0000\u0001', 2, true)), ErrorCodes.ParseError);
    assert.match(
      refused('{"jsonrpc":"2.0", "id": 1, "method": "x", "params": {"secret": "hunter2"').message,
      /^Malformed JSON at character \d+/,
    );
    assert.doesNotMatch(refused('{"secret": hunter2}').message, /hunter2/, 'the parse error quotes nothing of the input');
    assert.match(refused('[{"jsonrpc":"2.0","id":1,"method":"x"}]').message, /Batch requests are not supported/);
    assert.match(refused('"just a string"').message, /^Not a JSON-RPC 2\.0 message/);
    assert.match(refused('{"jsonrpc":"1.0","id":1,"method":"x"}').message, /^Not a JSON-RPC 2\.0 message/);
    assert.match(refused('{"jsonrpc":"2.0","id":1,"method":42}').message, /"method" of a JSON-RPC message is a string/);
  });
});

describe('transport: backpressure on what the daemon sends', () => {
  let wss: WebSocketServer;
  let url: string;
  beforeEach(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    await new Promise((r) => wss.once('listening', r));
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    for (const c of wss.clients) c.terminate();
    return new Promise<void>((r) => wss.close(() => r()));
  });

  /** A server-side writer with `opts` and the client socket it writes to. */
  async function pair(
    opts: TransportOptions,
  ): Promise<{ writer: WebSocketMessageWriter; server: WebSocket; client: WebSocket; received: () => number }> {
    const serverSide = new Promise<WebSocket>((r) => wss.once('connection', r));
    const client = new WebSocket(url, { perMessageDeflate: false });
    let bytes = 0;
    client.on('message', (d: Buffer) => (bytes += d.length));
    await new Promise((r) => client.once('open', r));
    const server = await serverSide;
    return { writer: new WebSocketMessageWriter(server, opts), server, client, received: () => bytes };
  }

  const big = (kb: number) => ({ jsonrpc: '2.0' as const, method: 'x', params: { text: 'a'.repeat(kb * 1024) } });
  const until = async (check: () => boolean, what: string) => {
    for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(check(), what);
  };

  it('a peer that reads gets a reply larger than the limit, and the socket stays open', async () => {
    const slow: string[] = [];
    const { writer, server, client, received } = await pair({ maxSendBufferBytes: 64 * 1024, onSlowConsumer: (_b, why) => slow.push(why) });
    await writer.write(big(1024));
    await until(() => received() > 1024 * 1024, 'the 1 MB reply arrived');
    assert.equal(server.readyState, WebSocket.OPEN);
    assert.deepEqual(slow, []);
    client.close();
  });

  it('a peer that reads nothing is paused, then closed once its backlog grows past twice the limit', async () => {
    const slow: Array<[number, string]> = [];
    const { writer, server, client } = await pair({ maxSendBufferBytes: 256 * 1024, onSlowConsumer: (b, why) => slow.push([b, why]) });
    client.pause();
    const closed = new Promise((r) => server.once('close', r));
    for (let i = 0; i < 200 && server.readyState === WebSocket.OPEN; i++) void writer.write(big(100)).catch(() => undefined);
    await closed;
    assert.equal(slow.length, 1, 'reported once');
    assert.match(slow[0][1], /bytes of replies unread, over twice the 262144-byte limit/);
    assert.ok(server.isPaused || server.readyState !== WebSocket.OPEN);
    client.terminate();
  });

  it('a backlog that stays over the limit for the grace period closes the socket; one that drains in time does not', async () => {
    const slow: string[] = [];
    const opts = { maxSendBufferBytes: 256 * 1024, sendBufferGraceMs: 150, onSlowConsumer: (_b: number, why: string) => slow.push(why) };
    const stuck = await pair(opts);
    stuck.client.pause();
    // Enough to fill the kernel's socket buffers and go over the limit, not past twice it.
    for (let i = 0; i < 2000 && stuck.server.bufferedAmount <= 256 * 1024; i++) void stuck.writer.write(big(64)).catch(() => undefined);
    assert.ok(stuck.server.bufferedAmount > 256 * 1024, 'over the limit');
    assert.equal(stuck.server.isPaused, true, 'reading from the peer is paused meanwhile');
    await until(() => stuck.server.readyState !== WebSocket.OPEN, 'closed after the grace period');
    assert.match(slow[0], /replies unread for 150 ms/);
    stuck.client.terminate();

    const late = await pair(opts);
    late.client.pause();
    for (let i = 0; i < 2000 && late.server.bufferedAmount <= 256 * 1024; i++) void late.writer.write(big(64)).catch(() => undefined);
    assert.equal(late.server.isPaused, true);
    late.client.resume(); // it reads again before the grace period ends
    await until(() => late.server.bufferedAmount === 0, 'the backlog drained');
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(late.server.readyState, WebSocket.OPEN, 'still open');
    assert.equal(late.server.isPaused, false, 'reading resumed');
    assert.equal(slow.length, 1);
    late.client.close();
  });
});
