import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeHttpRequest, decodeHttpResponse, encodeHttpRequest, encodeHttpResponse } from '../../../../runtime/zap/wire/http-messages.js';
import { handshakeFrame } from '../../../../runtime/zap/wire/node-handshake.js';
import { createZapNodeServer, ZapConnection, type ZapRequestHandler } from '../../../../runtime/zap/wire/zap-connection.js';

/** Real TCP on 127.0.0.1: handshake, correlation, limits and failure paths of the luxfi/zap node transport. */

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

interface Node {
  port: number;
  server: net.Server;
  accepted: ZapConnection[];
}

async function startNode(nodeId: string, handler?: ZapRequestHandler): Promise<Node> {
  const accepted: ZapConnection[] = [];
  const server = createZapNodeServer(nodeId, (conn) => {
    accepted.push(conn);
    if (handler) conn.setRequestHandler(handler);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => server.close());
  return { port: (server.address() as net.AddressInfo).port, server, accepted };
}

async function dial(port: number, nodeId: string): Promise<ZapConnection> {
  const conn = await ZapConnection.dial('127.0.0.1', port, nodeId);
  cleanups.push(() => conn.close());
  return conn;
}

function rawSocket(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
    cleanups.push(() => s.destroy());
  });
}

function closedSocket(s: net.Socket): Promise<Buffer> {
  const received: Buffer[] = [];
  s.on('data', (c: Buffer) => received.push(c));
  return new Promise((resolve) => s.once('close', () => resolve(Buffer.concat(received))));
}

const closeEvent = (c: ZapConnection): Promise<Error | undefined> => new Promise((resolve) => c.once('close', resolve));

/** A type-200 request → type-201 response echo that reports the path and body it saw. */
const echo: ZapRequestHandler = async (message) => {
  const req = decodeHttpRequest(message);
  await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 20)));
  return encodeHttpResponse({ status: 200, headers: [['X-Path', req.path], ['X-Query', req.query]], body: req.body });
};

const request = (path: string, body = Buffer.alloc(0), query = ''): Buffer =>
  encodeHttpRequest({ method: 'POST', path, query, headers: [['Host', 'zap']], body });

describe('ZapConnection over TCP', () => {
  it('handshakes both ways and exposes the peer ids', async () => {
    const node = await startNode('backend');
    const conn = await dial(node.port, 'gateway');
    expect(conn.peerId).toBe('backend');
    await new Promise((r) => setImmediate(r));
    expect(node.accepted.map((c) => c.peerId)).toEqual(['gateway']);
  });

  it('sends the handshake frame C2 shows, then reads the peer one', async () => {
    const server = net.createServer();
    cleanups.push(() => server.close());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const seen = new Promise<Buffer>((resolve) =>
      server.once('connection', (s: net.Socket) => {
        cleanups.push(() => s.destroy());
        s.once('data', (d: Buffer) => {
          resolve(d);
          s.write(handshakeFrame('raw-peer'));
        });
      }),
    );
    const conn = await dial((server.address() as net.AddressInfo).port, 'gateway');
    expect((await seen).toString('hex')).toBe('50000000' + '5a41500001000000100000005000000067617465776179' + '00'.repeat(53) + '07000000');
    expect(conn.peerId).toBe('raw-peer');
  });

  it('correlates 100 concurrent calls on one connection, answered out of order', async () => {
    const node = await startNode('backend', echo);
    const conn = await dial(node.port, 'gateway');
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => conn.call(request(`/item/${i}`, Buffer.from(`body-${i}`), `i=${i}`), 5_000)),
    );
    results.forEach((message, i) => {
      const res = decodeHttpResponse(message);
      expect(res.headers).toEqual([['X-Path', `/item/${i}`], ['X-Query', `i=${i}`]]);
      expect(res.body.toString()).toBe(`body-${i}`);
    });
    expect(conn.pendingCalls).toBe(0);
  });

  it('carries a 5 MiB body and an empty body', async () => {
    const node = await startNode('backend', echo);
    const conn = await dial(node.port, 'gateway');
    const big = Buffer.alloc(5 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    const [large, empty] = await Promise.all([conn.call(request('/big', big), 10_000), conn.call(request('/empty'), 5_000)]);
    expect(decodeHttpResponse(large).body.equals(big)).toBe(true);
    const res = decodeHttpResponse(empty);
    expect(res.body.length).toBe(0);
    expect(res.headers[0]).toEqual(['X-Path', '/empty']);
  });

  it('calls work in both directions on the same connection', async () => {
    const node = await startNode('backend', echo);
    const conn = await dial(node.port, 'gateway');
    conn.setRequestHandler(() => encodeHttpResponse({ status: 202, headers: [], body: Buffer.from('from dialer') }));
    await new Promise((r) => setImmediate(r));
    const [server] = node.accepted;
    const reply = await server!.call(request('/reverse'), 2_000);
    expect(decodeHttpResponse(reply)).toMatchObject({ status: 202, body: Buffer.from('from dialer') });
  });

  it('refuses to send a frame over 10 MiB, and the peer drops a connection that sends one', async () => {
    const node = await startNode('backend', echo);
    const conn = await dial(node.port, 'gateway');
    await expect(conn.call(Buffer.alloc(10 * 1024 * 1024 - 7), 1_000)).rejects.toThrow(/exceeds the 10485752-byte limit/);
    expect(conn.closed).toBe(false);

    const raw = await rawSocket(node.port);
    const closed = closedSocket(raw);
    raw.write(handshakeFrame('raw'));
    const over = Buffer.alloc(4);
    over.writeUInt32LE(10 * 1024 * 1024 + 1, 0);
    raw.write(over);
    const got = await closed;
    expect(got.subarray(0, 84).equals(handshakeFrame('backend'))).toBe(true); // handshake answered, then closed
    expect(got.length).toBe(84);
  });

  it('closes on garbage bytes and keeps accepting', async () => {
    const node = await startNode('backend', echo);
    // Not a frame at all: "GET " reads as a 542 MB length.
    const http = await rawSocket(node.port);
    const httpClosed = closedSocket(http);
    http.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await httpClosed).length).toBe(0);
    // A frame whose content is not a handshake.
    const bad = await rawSocket(node.port);
    const badClosed = closedSocket(bad);
    bad.write(Buffer.concat([Buffer.from([10, 0, 0, 0]), Buffer.from('not-a-zap!')]));
    expect((await badClosed).length).toBe(0);
    // After a valid handshake, a frame without the ZAP magic closes that connection.
    const conn = await dial(node.port, 'gateway');
    await new Promise((r) => setImmediate(r));
    const serverSide = node.accepted[0]!;
    const serverClosed = closeEvent(serverSide);
    const pending = conn.call(Buffer.from('certainly not a ZAP message'), 2_000);
    expect((await serverClosed)?.message).toMatch(/magic/);
    await expect(pending).rejects.toThrow(/closed/);
    // The server still accepts and serves.
    const again = await dial(node.port, 'gateway-2');
    expect(decodeHttpResponse(await again.call(request('/ok'), 2_000)).headers[0]).toEqual(['X-Path', '/ok']);
  });

  it('times out a call that gets no reply and drops the late response', async () => {
    let delay = 0;
    const node = await startNode('backend', async (message) => {
      const req = decodeHttpRequest(message);
      if (req.path === '/never') return undefined;
      if (req.path === '/throws') throw new Error('handler failed');
      await new Promise((r) => setTimeout(r, delay));
      return encodeHttpResponse({ status: 200, headers: [], body: Buffer.from(req.path) });
    });
    const conn = await dial(node.port, 'gateway');
    await expect(conn.call(request('/never'), 100)).rejects.toThrow(/timed out after 100 ms/);
    await new Promise((r) => setImmediate(r));
    const handlerErrors: unknown[] = [];
    node.accepted[0]!.on('handlerError', (err: unknown) => handlerErrors.push(err));
    await expect(conn.call(request('/throws'), 100)).rejects.toThrow(/timed out/);
    expect(handlerErrors).toHaveLength(1);
    delay = 150;
    await expect(conn.call(request('/late'), 50)).rejects.toThrow(/timed out after 50 ms/);
    delay = 0;
    await new Promise((r) => setTimeout(r, 200)); // the late reply arrives and is dropped
    expect(decodeHttpResponse(await conn.call(request('/next'), 1_000)).body.toString()).toBe('/next');
    expect(conn.closed).toBe(false);
  });

  it('rejects pending calls when the peer closes mid-call', async () => {
    const node = await startNode('backend', () => new Promise<undefined>(() => {}));
    const conn = await dial(node.port, 'gateway');
    const calls = [conn.call(request('/a'), 5_000), conn.call(request('/b'), 5_000)];
    await new Promise((r) => setTimeout(r, 50));
    const closed = closeEvent(conn);
    node.accepted[0]!.close();
    for (const call of calls) await expect(call).rejects.toThrow(/ZAP connection to backend closed/);
    await closed;
    await expect(conn.call(request('/c'), 100)).rejects.toThrow(/is closed/);
  });

  it('closes a second connection from an already-connected peer id without reply', async () => {
    const node = await startNode('backend', echo);
    const first = await dial(node.port, 'gateway');
    await expect(ZapConnection.dial('127.0.0.1', node.port, 'gateway')).rejects.toThrow(/connection closed before the peer's handshake/);
    expect(decodeHttpResponse(await first.call(request('/still'), 1_000)).headers[0]).toEqual(['X-Path', '/still']);
    // Once the first is gone, the same id may connect again.
    const gone = closeEvent(node.accepted[0]!);
    first.close();
    await gone;
    const second = await dial(node.port, 'gateway');
    expect(second.peerId).toBe('backend');
  });

  it('fails dial on an invalid peer handshake, a silent peer, or a refused port', async () => {
    const server = net.createServer((s) => {
      cleanups.push(() => s.destroy());
      s.once('data', () => {
        const bad = handshakeFrame('x');
        bad.writeUInt32LE(0, 4 + 76); // id length 0
        s.write(bad);
      });
    });
    cleanups.push(() => server.close());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await expect(ZapConnection.dial('127.0.0.1', port, 'gateway')).rejects.toThrow(/invalid peer handshake: node id length 0/);

    const silent = net.createServer((s) => cleanups.push(() => s.destroy()));
    cleanups.push(() => silent.close());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    await expect(
      ZapConnection.dial('127.0.0.1', (silent.address() as net.AddressInfo).port, 'gateway', { handshakeTimeoutMs: 100 }),
    ).rejects.toThrow(/handshake .* timed out after 100 ms/);

    server.close();
    await new Promise((r) => setTimeout(r, 20));
    await expect(ZapConnection.dial('127.0.0.1', port, 'gateway')).rejects.toThrow(/ZAP dial 127\.0\.0\.1:\d+ failed/);
    expect(() => createZapNodeServer('', () => {})).toThrow(/1-60 bytes/);
  });

  it('times out an accepted socket that never handshakes', async () => {
    const accepted: ZapConnection[] = [];
    const server = createZapNodeServer('backend', (c) => accepted.push(c), { handshakeTimeoutMs: 100 });
    cleanups.push(() => server.close());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const raw = await rawSocket((server.address() as net.AddressInfo).port);
    const started = Date.now();
    await closedSocket(raw);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(accepted).toHaveLength(0);
  });

  it('serves a request that arrives in the same TCP write as the handshake', async () => {
    const node = await startNode('backend', echo);
    const raw = await rawSocket(node.port);
    const message = request('/glued');
    const head = Buffer.alloc(12);
    head.writeUInt32LE(8 + message.length, 0);
    head.writeUInt32LE(41, 4);
    head.writeUInt32LE(1, 8);
    const reply = new Promise<Buffer>((resolve) => {
      let got = Buffer.alloc(0);
      raw.on('data', (c: Buffer) => {
        got = Buffer.concat([got, c]);
        if (got.length >= 84 + 4 && got.length >= 84 + 4 + got.readUInt32LE(84)) resolve(got.subarray(84));
      });
    });
    raw.write(Buffer.concat([handshakeFrame('glued'), head, message]));
    const frame = await reply;
    expect(frame.readUInt32LE(4)).toBe(41);
    expect(frame.readUInt32LE(8)).toBe(2);
    expect(decodeHttpResponse(frame.subarray(12)).headers[0]).toEqual(['X-Path', '/glued']);
  });
});
