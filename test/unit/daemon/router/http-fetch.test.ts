/**
 * httpFetch on kept-alive sockets: a request written to a socket the server closed in
 * the meantime is sent once more on a new connection; a reset on a fresh socket, or
 * after the response began, is reported as it is (never a second request).
 */
import { strict as assert } from 'node:assert';
import { createServer, type Server, type Socket } from 'node:net';
import { httpFetch } from '../../../../daemon/router/http-fetch';

/** One request per call of `onRequest` (connection number, request number on it, raw head + body). */
type OnRequest = (socket: Socket, connection: number, nth: number, raw: string) => void;

async function rawServer(
  onRequest: OnRequest,
): Promise<{ url: string; connections: () => number; bodies: string[]; close(): Promise<void> }> {
  let connections = 0;
  const bodies: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    const connection = ++connections;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffer = '';
    let nth = 0;
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(buffer.slice(0, end))?.[1] ?? 0);
        if (buffer.length < end + 4 + length) return;
        const raw = buffer.slice(0, end + 4 + length);
        buffer = buffer.slice(raw.length);
        bodies.push(raw.slice(end + 4));
        onRequest(socket, connection, ++nth, raw);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function reply(socket: Socket, text: string): void {
  socket.write(
    `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: keep-alive\r\n\r\n${text}`,
  );
}

describe('httpFetch on kept-alive sockets', () => {
  it('sends a request again on a new connection when the reused socket was closed under it', async () => {
    const server = await rawServer((socket, connection, nth) => {
      if (connection === 1 && nth === 2)
        socket.destroy(); // idle timeout racing the second request
      else reply(socket, `conn ${connection} req ${nth}`);
    });
    try {
      const first = await httpFetch(`${server.url}/api/version`);
      assert.equal(await first.text(), 'conn 1 req 1');
      const second = await httpFetch(`${server.url}/api/chat`, { method: 'POST', body: '{"model":"m"}' });
      assert.equal(await second.text(), 'conn 2 req 1');
      assert.equal(server.connections(), 2);
      assert.deepEqual(server.bodies, ['', '{"model":"m"}', '{"model":"m"}']);
    } finally {
      await server.close();
    }
  });

  it('reports a reset on a fresh connection without trying again', async () => {
    const server = await rawServer((socket) => socket.destroy());
    try {
      await assert.rejects(httpFetch(`${server.url}/api/chat`, { method: 'POST', body: '{}' }), (err: NodeJS.ErrnoException) => {
        assert.equal(err.code, 'ECONNRESET');
        return true;
      });
      assert.equal(server.connections(), 1);
      assert.equal(server.bodies.length, 1);
    } finally {
      await server.close();
    }
  });

  it('never sends a request again once its response has begun', async () => {
    const server = await rawServer((socket, connection, nth) => {
      if (nth === 1) return reply(socket, 'first');
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: keep-alive\r\n\r\npartial');
      setImmediate(() => socket.destroy());
    });
    try {
      assert.equal(await (await httpFetch(`${server.url}/a`)).text(), 'first');
      const cut = await httpFetch(`${server.url}/b`, { method: 'POST', body: 'x' });
      await assert.rejects(cut.text(), /terminated/);
      assert.equal(server.connections(), 1);
      assert.equal(server.bodies.length, 2);
    } finally {
      await server.close();
    }
  });
});
