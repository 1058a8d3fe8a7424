import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { base } from '../../helpers/check.js';
import { startRuntime } from '../../helpers/gateway.js';
import { headerLines, request, startServer, type TestServer } from '../../helpers/servers.js';
import { encodeZapHttpRequest, decodeZapHttpResponse } from '../../../runtime/zap/wire/zap-http-codec.js';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';

/**
 * Through real sockets: client → hgw A (an endpoint whose backend is zap) →
 * ZAP → hgw B (node listener) → a real HTTP backend, and back.
 */
let backend: TestServer;
let gwB: Awaited<ReturnType<typeof startRuntime>>;
let gwA: Awaited<ReturnType<typeof startRuntime>>;
let zapPort: number;
let zapHttpPort: number;
/** A TCP relay in front of B's ZAP port, so the peer's side counts the connections A opens. */
let relay: Server;
let relayPort: number;
const peerConnections = { opened: 0 };

beforeAll(async () => {
  backend = await startServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url?.startsWith('/hang')) return;
      const body = Buffer.concat(chunks);
      res.writeHead(req.url?.startsWith('/missing') ? 404 : 200, [
        'Content-Type', 'application/octet-stream', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'X-Seen-Path', req.url ?? '', 'X-Seen-Method', req.method ?? '',
      ]);
      res.end(body);
    });
  });
  gwB = await startRuntime(
    base(
      ['POST', 'GET'].flatMap((method) =>
        ['/echo', '/hang', '/missing'].map((path) => ({ endpoint: path, method, output_encoding: 'no-op', input_query_strings: ['*'], backend: [{ url_pattern: path, host: [backend.url] }] })),
      ),
      { extra_config: { 'github.com/hanzoai/gateway/zap-listener': { node_id: 'gw-b' } } },
    ),
    { env: { HGW_ZAP_NODE_LISTEN: '127.0.0.1:0', GATEWAY_ZAP_LISTEN: '127.0.0.1:0' } },
  );
  zapPort = Number(gwB.logs.join('').match(/node gw-b listening on [^:]*:(\d+)/)![1]);
  zapHttpPort = Number(gwB.logs.join('').match(/ZAP-HTTP listening on [^:]*:(\d+)/)![1]);
  relay = createServer((socket) => {
    peerConnections.opened++;
    const upstream = connect(zapPort, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  relayPort = (relay.address() as AddressInfo).port;
  const zapBackend = (path: string, timeout = 2000) => ({
    url_pattern: path,
    host: ['http://127.0.0.1:99'], // the HTTP fallback would fail: answers prove ZAP carried them
    extra_config: { 'github.com/hanzoai/gateway/zap': { node_id: 'gw-a', peer_id: 'gw-b', peer_addr: `127.0.0.1:${relayPort}`, no_discovery: true, timeout_ms: timeout } },
  });
  gwA = await startRuntime(
    base([
      ...['POST', 'GET'].map((method) => ({ endpoint: '/v1/echo', method, output_encoding: 'no-op', input_query_strings: ['*'], backend: [zapBackend('/echo')] })),
      { endpoint: '/v1/hang', output_encoding: 'no-op', backend: [zapBackend('/hang', 300)] },
      { endpoint: '/v1/missing', output_encoding: 'no-op', backend: [zapBackend('/missing')] },
    ]),
  );
});

afterAll(async () => {
  await gwA?.close();
  await gwB?.close();
  await backend?.close();
  relay?.close();
});

describe('ZAP round trip (A → ZAP → B → HTTP)', () => {
  it('carries status, repeated headers and a 5 MiB binary body intact', async () => {
    const payload = randomBytes(5 * 1024 * 1024);
    const res = await new Promise<{ status: number; raw: string[]; body: Buffer }>((resolve, reject) => {
      import('node:http').then(({ request: r }) => {
        const req = r(`${gwA.url}/v1/echo?x=1&y=2`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'content-length': payload.length } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, raw: res.rawHeaders, body: Buffer.concat(chunks) }));
        });
        req.on('error', reject);
        req.end(payload);
      });
    });
    expect(res.status).toBe(200);
    expect(res.body.equals(payload)).toBe(true);
    expect(headerLines(res.raw, 'set-cookie')).toEqual(['a=1', 'b=2']);
    expect(headerLines(res.raw, 'x-seen-path')).toEqual(['/echo?x=1&y=2']);
  });

  it('carries an empty body and a backend 404 status', async () => {
    const empty = await request(`${gwA.url}/v1/echo`);
    expect([empty.status, empty.body, empty.headers['x-seen-method']]).toEqual([200, '', 'GET']);
    expect((await request(`${gwA.url}/v1/missing`)).status).toBe(404);
  });

  it('correlates 100 concurrent requests on one connection', async () => {
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => request(`${gwA.url}/v1/echo`, { method: 'POST', body: `request-${i}` })));
    results.forEach((r, i) => expect(r.body).toBe(`request-${i}`));
    expect(peerConnections.opened).toBe(1); // counted at the peer's side, over this and the earlier calls
  });

  it('answers 502 with a clear body when the peer does not answer in time', async () => {
    const res = await request(`${gwA.url}/v1/hang`);
    expect(res.status).toBe(502);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'zap_unavailable' });
  });

  it('serves the gateway over ZAP-HTTP frames on loopback (zap-proto/http)', async () => {
    const frame = encodeZapHttpRequest({ method: 'POST', target: '/echo?z=9', headers: [['Host', 'gw'], ['X-A', '1']], body: Buffer.from('over zap-http') });
    const reply = await new Promise<Buffer>((resolve, reject) => {
      const socket = connect(zapHttpPort, '127.0.0.1', () => {
        const head = Buffer.alloc(4);
        head.writeUInt32BE(frame.length, 0);
        socket.write(Buffer.concat([head, frame]));
      });
      let got = Buffer.alloc(0);
      socket.on('data', (d: Buffer) => {
        got = Buffer.concat([got, d]);
        if (got.length >= 4 && got.length >= 4 + got.readUInt32BE(0)) {
          socket.end();
          resolve(got.subarray(4, 4 + got.readUInt32BE(0)));
        }
      });
      socket.on('error', reject);
    });
    const res = decodeZapHttpResponse(reply);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('over zap-http');
    expect(res.headers.filter(([k]) => k.toLowerCase() === 'x-seen-path').map(([, v]) => v)).toEqual(['/echo?z=9']);
  });
});
