/**
 * Nagle's algorithm is off on both legs of a proxied request: the client's
 * connection to the gateway and the gateway's kept-alive connection to the
 * backend. With it on, a response that leaves in two writes (a 64 KB body's
 * head and tail arrive from the backend in separate reads) holds its second
 * write until the peer's delayed ACK: the 40–200 ms stall of a proxy moving
 * large bodies. The kernel's TCP_NODELAY is not readable from Node, so the
 * test watches the one call that sets it, libuv's TCP handle `setNoDelay`:
 * both `net.Server({ noDelay })` and `socket.setNoDelay()` (undici calls it on
 * every connection it opens) go through it. Any HTTP/1.1 front that serves the
 * request (node:http, or a raw-socket fast path) must set it too.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { base } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { startServer, type TestServer } from '../helpers/servers.js';

interface TcpHandle {
  setNoDelay(on: boolean): number;
  getsockname(out: { port?: number }): number;
  getpeername(out: { port?: number }): number;
}

/** Handles whose last setNoDelay call turned Nagle off. */
const noDelay = new Set<TcpHandle>();
let proto: TcpHandle;
let original: TcpHandle['setNoDelay'];

beforeAll(async () => {
  // Every TCP socket and listener shares one handle class: take its prototype from a listener.
  const probe: Server = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  proto = Object.getPrototypeOf((probe as unknown as { _handle: TcpHandle })._handle) as TcpHandle;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  original = proto.setNoDelay;
  proto.setNoDelay = function (this: TcpHandle, on: boolean) {
    if (on) noDelay.add(this);
    else noDelay.delete(this);
    return original.call(this, on);
  };
});
afterAll(() => {
  proto.setNoDelay = original;
});

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
  noDelay.clear();
});

/** Whether a handle with Nagle off has this local and remote port. */
function nagleOff(localPort: number, remotePort: number): boolean {
  for (const h of noDelay) {
    const local: { port?: number } = {};
    const remote: { port?: number } = {};
    if (h.getsockname(local) === 0 && h.getpeername(remote) === 0 && local.port === localPort && remote.port === remotePort) return true;
  }
  return false;
}

/** One GET over a raw socket left open (its handle stays alive to be looked at); resolves with the body's length. */
function get(port: number, path: string, socket: Socket): Promise<number> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    socket.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      const end = buf.indexOf('\r\n\r\n');
      const length = Number(/content-length:\s*(\d+)/i.exec(buf.subarray(0, end).toString('latin1'))?.[1] ?? NaN);
      if (end !== -1 && buf.length - end - 4 >= length) resolve(length);
    });
    socket.once('error', reject);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  });
}

describe('TCP_NODELAY on a proxied request', () => {
  it('is set on the client connection the gateway accepts and on the connection it opens to the backend', async () => {
    const body = Buffer.alloc(64 * 1024, 'x');
    let backendSawPort = 0;
    const be: TestServer = await startServer((req, res) => {
      backendSawPort = req.socket.remotePort ?? 0;
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length }).end(body);
    });
    cleanups.push(() => be.close());
    const gw = await startRuntime(base([{ endpoint: '/big', output_encoding: 'no-op', backend: [{ url_pattern: '/big', host: [be.url] }] }]), { profile: 'krakend' });
    cleanups.push(() => gw.close());

    const client = connect({ host: '127.0.0.1', port: gw.port });
    cleanups.push(() => void client.destroy());
    await new Promise<void>((resolve) => client.once('connect', resolve));
    expect(await get(gw.port, '/big', client)).toBe(body.length);

    expect(backendSawPort).toBeGreaterThan(0);
    expect(nagleOff(gw.port, client.localPort!), 'client → gateway').toBe(true);
    expect(nagleOff(backendSawPort, be.port), 'gateway → backend').toBe(true);
    // The test's own client never turned Nagle off: the watch tells the sockets apart.
    expect(nagleOff(client.localPort!, gw.port)).toBe(false);
  });
});
