import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { connect, type Socket } from 'node:net';
import { base } from '../../helpers/check.js';
import { startRuntime } from '../../helpers/gateway.js';
import { request, startServer, type TestServer } from '../../helpers/servers.js';
import { decodeZapHttpResponse, encodeZapHttpRequest } from '../../../runtime/zap/wire/zap-http-codec.js';

/**
 * Issue 16 item 3: the ZAP listeners hand decoded requests to the gateway
 * in-process. Counted at the gateway's HTTP port itself (Node's
 * `net.server.socket` channel reports every connection a server accepts):
 * no ZAP request — Forward, type 200, streamed, ZAP-HTTP — opens one. And
 * what the HTTP server used to decide for the replay is still decided: the
 * whole chain runs (draining waits for a ZAP request), hostile heads are
 * refused.
 */
let backend: TestServer;
let gwB: Awaited<ReturnType<typeof startRuntime>>;
let gwA: Awaited<ReturnType<typeof startRuntime>>;
let zapHttpPort = 0;
let releaseSlow: () => void = () => {};
let slowArrived: () => void = () => {};
const accepted = { onB: 0 };
const onAccepted = (message: unknown): void => {
  if ((message as { socket: Socket }).socket.localPort === gwB?.port) accepted.onB++;
};

beforeAll(async () => {
  backend = await startServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/events') {
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        res.write('data: one\n\n');
        return; // held open until the caller leaves
      }
      if (req.url === '/slow') {
        slowArrived();
        releaseSlow = () => res.end('slow done');
        return;
      }
      const seen = JSON.stringify({ method: req.method, url: req.url, xff: req.headers['x-forwarded-for'], forwardedHost: req.headers['x-forwarded-host'], body: Buffer.concat(chunks).toString() });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(seen) });
      res.end(seen);
    });
  });
  const ep = (path: string, method = 'GET') => ({ endpoint: path, method, output_encoding: 'no-op', timeout: '30s', backend: [{ url_pattern: path, host: [backend.url] }] });
  gwB = await startRuntime(
    base([ep('/echo'), ep('/echo', 'POST'), ep('/events'), ep('/slow')], {
      max_header_bytes: 4096,
      extra_config: { 'github.com/hanzoai/gateway/zap-listener': { node_id: 'gw-b' } },
    }),
    { env: { HGW_ZAP_NODE_LISTEN: '127.0.0.1:0', GATEWAY_ZAP_LISTEN: '127.0.0.1:0' } },
  );
  const zapPort = Number(gwB.logs.join('').match(/node gw-b listening on [^:]*:(\d+)/)![1]);
  zapHttpPort = Number(gwB.logs.join('').match(/ZAP-HTTP listening on [^:]*:(\d+)/)![1]);
  const zap = (path: string, envelope: string) => ({
    url_pattern: path,
    host: ['http://127.0.0.1:9'], // the HTTP fallback would fail: answers prove ZAP carried them
    extra_config: { 'github.com/hanzoai/gateway/zap': { node_id: 'gw-a', peer_id: 'gw-b', peer_addr: `127.0.0.1:${zapPort}`, no_discovery: true, timeout_ms: 10_000, envelope } },
  });
  gwA = await startRuntime(
    base([
      { endpoint: '/forward', method: 'POST', output_encoding: 'no-op', backend: [zap('/echo', 'forward')] },
      { endpoint: '/typed', method: 'POST', output_encoding: 'no-op', backend: [zap('/echo', 'http')] },
      { endpoint: '/events', output_encoding: 'no-op', timeout: '30s', backend: [zap('/events', 'forward')] },
    ]),
  );
  subscribe('net.server.socket', onAccepted);
});

afterAll(async () => {
  unsubscribe('net.server.socket', onAccepted);
  await gwA?.close();
  await gwB?.close();
  await backend?.close();
});

/** One ZAP-HTTP request frame to B, and its one response frame. */
function zapHttp(method: string, target: string, headers: Array<[string, string]>, body = ''): Promise<ReturnType<typeof decodeZapHttpResponse>> {
  const frame = encodeZapHttpRequest({ method, target, headers: [['Host', 'gw'], ...headers], body: Buffer.from(body) });
  return new Promise((resolve, reject) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(frame.length, 0);
    const socket = connect(zapHttpPort, '127.0.0.1', () => socket.write(Buffer.concat([length, frame])));
    let got = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 4 && got.length >= 4 + got.readUInt32BE(0)) {
        socket.destroy();
        resolve(decodeZapHttpResponse(got.subarray(4, 4 + got.readUInt32BE(0))));
      }
    });
    socket.on('error', reject);
  });
}

/** The first bytes of A's streamed /events (a Push-streamed Forward answer), then the client leaves. */
function firstEvent(): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(gwA.port, '127.0.0.1', () => socket.write('GET /events HTTP/1.1\r\nHost: gw\r\n\r\n'));
    let got = '';
    socket.on('data', (d: Buffer) => {
      got += d.toString();
      if (got.includes('data: one')) {
        socket.destroy();
        resolve(got);
      }
    });
    socket.on('error', reject);
  });
}

describe('ZAP listeners hand requests to the gateway in-process', () => {
  it('opens no connection to the gateway’s own HTTP port, for any ZAP request', async () => {
    // The count is real: a plain HTTP request to B is one accepted connection.
    const before = accepted.onB;
    expect((await request(`${gwB.url}/echo`)).status).toBe(200);
    expect(accepted.onB).toBe(before + 1);

    const forward = await request(`${gwA.url}/forward`, { method: 'POST', body: 'over forward' });
    const typed = await request(`${gwA.url}/typed`, { method: 'POST', body: 'over 200/201' });
    const wire = await zapHttp('POST', '/echo', [['Content-Type', 'text/plain']], 'over zap-http');
    const streamed = await firstEvent();
    expect([forward.status, JSON.parse(forward.body).body]).toEqual([200, 'over forward']);
    // A whole answer reaches A's client with its length (one write for head and body), not chunked.
    expect([forward.headers['content-length'], forward.headers['transfer-encoding']]).toEqual([String(Buffer.byteLength(forward.body)), undefined]);
    expect(typed.headers['content-length']).toBe(String(Buffer.byteLength(typed.body)));
    expect([typed.status, JSON.parse(typed.body).body]).toEqual([200, 'over 200/201']);
    expect([wire.status, JSON.parse(wire.body.toString()).body]).toEqual([200, 'over zap-http']);
    expect(streamed).toContain('data: one');
    expect(accepted.onB).toBe(before + 1);
  });

  it('the chain sees the ZAP peer as the client and the gateway’s own address as Host', async () => {
    const res = await zapHttp('GET', '/echo', [['X-Forwarded-For', '203.0.113.9']]);
    const seen = JSON.parse(res.body.toString());
    expect(seen.xff).toBe('127.0.0.1');
    expect(seen.forwardedHost).toBe(`127.0.0.1:${gwB.port}`);
  });

  it('refuses what the HTTP server would: an unknown method 400, a head past max_header_bytes 431, a CR/LF in a value an error', async () => {
    expect((await zapHttp('BREW', '/echo', [])).status).toBe(400);
    expect((await zapHttp('GET', '/echo', [['X-Big', 'x'.repeat(5000)]])).status).toBe(431);
    const smuggled = await zapHttp('GET', '/echo', [['X-A', 'a\r\nX-Injected: 1']]);
    expect(smuggled.status).toBe(500);
    expect(smuggled.body.toString()).toMatch(/header/i);
  });

  it('a draining gateway waits for a ZAP request in flight, as for an HTTP one', async () => {
    const arrived = new Promise<void>((r) => (slowArrived = r));
    const answer = zapHttp('GET', '/slow', []);
    await arrived;
    let closed = false;
    const closing = gwB.close().then(() => (closed = true));
    // Readiness turns 503 at once; the request is still running, so the drain is not over.
    await expect.poll(() => gwB.readiness.isReady()).toBe(false);
    expect(closed).toBe(false);
    releaseSlow();
    const res = await answer;
    expect([res.status, res.body.toString()]).toEqual([200, 'slow done']);
    await closing;
  });
});
