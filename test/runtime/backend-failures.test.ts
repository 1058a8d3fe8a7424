import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { base } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { request, startServer, type TestServer } from '../helpers/servers.js';

/**
 * Backends that misbehave must never take the gateway down: each case gets a
 * definite status and body, and the gateway keeps serving afterwards.
 */
let http: TestServer;
let raw: Server;
let rawUrl: string;
let gw: Awaited<ReturnType<typeof startRuntime>>;

beforeAll(async () => {
  http = await startServer((req, res) => {
    const status = Number(req.url?.split('/')[2]);
    if (req.url === '/hang') return; // never answers
    if (status === 204 || status === 304) res.writeHead(status).end();
    else res.writeHead(status, { 'Content-Type': 'application/json' }).end(`{"status":${status}}`);
  });
  // A TCP server speaking garbage or hanging up, for what HTTP servers never do.
  raw = createServer((socket) => {
    socket.once('data', (d) => {
      const line = d.toString();
      if (line.includes('/reset')) socket.resetAndDestroy();
      else if (line.includes('/garbage')) socket.end('this is not HTTP at all\r\n\r\n');
      else if (line.includes('/half')) socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"trunc');
      else if (line.includes('/badjson')) socket.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{"a":tru}');
    });
  });
  await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
  rawUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
  const ep = (path: string, host: string, noop: boolean) => ({
    endpoint: `/${noop ? 'noop' : 'json'}${path}`,
    timeout: '300ms',
    ...(noop ? { output_encoding: 'no-op' } : {}),
    backend: [{ url_pattern: path, host: [host] }],
  });
  const endpoints = [];
  for (const noop of [true, false]) {
    for (const s of [204, 304, 500, 503]) endpoints.push(ep(`/s/${s}`, http.url, noop));
    endpoints.push(ep('/hang', http.url, noop));
    for (const p of ['/reset', '/garbage', '/half', '/badjson']) endpoints.push(ep(p, rawUrl, noop));
  }
  gw = await startRuntime(base(endpoints, { extra_config: { router: { return_error_msg: true } } }));
});

afterAll(async () => {
  await gw.close();
  await http.close();
  raw.close();
});

describe('misbehaving backends, no-op endpoints (status and body relayed, or 500)', () => {
  it.each([
    ['/s/204', 204, ''],
    ['/s/304', 304, ''],
    ['/s/500', 500, '{"status":500}'],
    ['/s/503', 503, '{"status":503}'],
  ])('%s answers %i as the backend did', async (path, status, body) => {
    const res = await request(`${gw.url}/noop${path}`);
    expect([res.status, res.body]).toEqual([status, body]);
  });

  it.each([
    ['/hang', /^context deadline exceeded$/],
    ['/reset', /^Get "http:\/\/127\.0\.0\.1:\d+\/reset": /],
    ['/garbage', /^Get "http:\/\/127\.0\.0\.1:\d+\/garbage": /],
  ])('%s gives 500 with the reason', async (path, reason) => {
    const res = await request(`${gw.url}/noop${path}`);
    expect(res.status).toBe(500);
    expect(res.body).toMatch(reason);
  });

  it('/half: the 200 and its Content-Length were already relayed when the body broke off, so the client sees that head, the bytes that came, and a cut connection — never a hang or a complete-looking response', async () => {
    const res = await new Promise<{ status: number; length: string | undefined; body: string; complete: boolean }>((resolve, reject) => {
      const req = httpRequest(`${gw.url}/noop/half`, { agent: false }, (r) => {
        let body = '';
        r.on('data', (c: Buffer) => (body += c.toString()));
        r.on('error', () => {}); // the cut shows as 'aborted'; `complete` says so below
        r.on('close', () => resolve({ status: r.statusCode ?? 0, length: r.headers['content-length'], body, complete: r.complete }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(res).toEqual({ status: 200, length: '100', body: '{"trunc', complete: false });
  });
});

describe('misbehaving backends, decoding endpoints (Lura: anything but 200/201 is an error)', () => {
  it.each([204, 304, 500, 503])('status %i → 500 with invalid status code', async (status) => {
    const res = await request(`${gw.url}/json/s/${status}`);
    expect(res.status).toBe(500);
    expect(res.body).toBe(`invalid status code ${status} [GET /s/${status}]: ${http.url}/s/${status}`);
  });

  it.each([
    ['/hang', /^context deadline exceeded$/],
    ['/reset', /^Get "http:\/\/127\.0\.0\.1:\d+\/reset": /],
    ['/garbage', /^Get "http:\/\/127\.0\.0\.1:\d+\/garbage": /],
    ['/half', /.+/],
    ['/badjson', /^invalid character/],
  ])('%s → 500 with the reason', async (path, reason) => {
    const res = await request(`${gw.url}/json${path}`);
    expect(res.status).toBe(500);
    expect(res.body).toMatch(reason);
  });

  it('keeps serving afterwards', async () => {
    expect((await request(`${gw.url}/__health`)).status).toBe(200);
  });
});
