import { afterEach, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { base } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { echoHandler, headerLines, request, startServer, type EchoedRequest, type TestServer } from '../helpers/servers.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function backend(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const s = await startServer(handler);
  cleanups.push(() => s.close());
  return s;
}

async function gateway(config: unknown) {
  const g = await startRuntime(config);
  cleanups.push(() => g.close());
  return g;
}

function noop(host: string, endpoint: Record<string, unknown> = {}, backendExtra: Record<string, unknown> = {}) {
  return base([{ endpoint: '/v1/items/{id}', method: 'POST', output_encoding: 'no-op', backend: [{ url_pattern: '/items/{id}', host: [host], ...backendExtra }], ...endpoint }]);
}

describe('no-op endpoint', () => {
  it('passes status, every header line and the body through, and sends Lura\'s headers (no Connection)', async () => {
    const be = await backend(echoHandler);
    const gw = await gateway(noop(be.url, { input_headers: ['Content-Type', 'X-Org-Id'], input_query_strings: ['q'] }));
    const res = await request(`${gw.url}/v1/items/42?q=a b&z=1`.replace(' ', '%20'), {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-org-id': 'o1', 'x-user-id': 'spoof', 'x-forwarded-for': '203.0.113.9, 10.0.0.1' },
      body: 'hello',
    });
    expect(res.status).toBe(200);
    expect(headerLines(res.rawHeaders, 'set-cookie')).toEqual(['a=1', 'b=2']);
    expect(res.headers['x-backend']).toBe('echo');
    expect(res.headers['x-powered-by']).toBe('hanzoai/gateway Version 2.13.8');
    expect(res.headers['x-gateway-completed']).toBe('false');
    const echoed = JSON.parse(res.body) as EchoedRequest;
    expect(echoed.method).toBe('POST');
    expect(echoed.url).toBe('/items/42?q=a+b');
    expect(echoed.body).toBe('hello');
    const names = echoed.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(names).not.toContain('connection');
    expect(names).not.toContain('x-user-id');
    expect(headerLines(echoed.rawHeaders, 'x-org-id')).toEqual(['o1']);
    expect(headerLines(echoed.rawHeaders, 'content-type')).toEqual(['text/plain']);
    // Lura's default client IP: the left-most X-Forwarded-For entry.
    expect(headerLines(echoed.rawHeaders, 'x-forwarded-for')).toEqual(['203.0.113.9']);
    expect(headerLines(echoed.rawHeaders, 'x-forwarded-host')).toEqual([`127.0.0.1:${gw.port}`]);
    expect(headerLines(echoed.rawHeaders, 'user-agent')).toEqual(['hanzoai/gateway Version 2.13.8']);
  });

  it('sends Content-Length: 0 for an empty POST, and forwards backend 4xx/5xx as they are', async () => {
    const be = await backend((req, res) => {
      res.writeHead(503, { 'Content-Type': 'text/plain', 'X-Len': String(req.headers['content-length']) });
      res.end('down for maintenance');
    });
    const gw = await gateway(noop(be.url));
    const res = await request(`${gw.url}/v1/items/1`, { method: 'POST' });
    expect(res.status).toBe(503);
    expect(res.body).toBe('down for maintenance');
    expect(res.headers['x-len']).toBe('0');
  });

  it('relays sized bodies intact whether they arrive in one read or in parts', async () => {
    const big = Buffer.alloc(1 << 20, 7);
    big.write('first', 0);
    big.write('last', big.length - 4);
    const be = await backend((req, res) => {
      req.resume();
      if (req.url === '/items/small') {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 11 }).end('{"ok":true}');
        return;
      }
      // Head and the first half now, the rest a little later: the gateway must not wait for it to start.
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': big.length });
      res.write(big.subarray(0, big.length / 2));
      setTimeout(() => res.end(big.subarray(big.length / 2)), 30);
    });
    const gw = await gateway(noop(be.url));
    const small = await request(`${gw.url}/v1/items/small`, { method: 'POST' });
    expect(small.status).toBe(200);
    expect(small.headers['content-length']).toBe('11');
    expect(small.body).toBe('{"ok":true}');
    const chunks: Buffer[] = [];
    const res = await new Promise<{ status: number; length: string | undefined }>((resolve, reject) => {
      const r = httpRequest(`${gw.url}/v1/items/big`, { method: 'POST' }, (m) => {
        m.on('data', (c: Buffer) => chunks.push(c));
        m.on('end', () => resolve({ status: m.statusCode ?? 0, length: m.headers['content-length'] }));
      });
      r.on('error', reject);
      r.end();
    });
    expect(res.status).toBe(200);
    expect(res.length).toBe(String(big.length));
    expect(Buffer.concat(chunks).equals(big)).toBe(true);
  });

  it('streams: the first event reaches the client while the backend is still writing', async () => {
    let finish: () => void = () => {};
    const be = await backend((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('data: first\n\n');
      finish = () => res.end('data: last\n\n');
    });
    const gw = await gateway(noop(be.url));
    const firstChunk = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(`${gw.url}/v1/items/1`, { method: 'POST' }, (res) => {
        res.once('data', (c: Buffer) => resolve(c.toString()));
      });
      req.on('error', reject);
      req.end();
    });
    expect(firstChunk).toBe('data: first\n\n');
    finish();
  });

  it('cancels the backend call when the client goes away', async () => {
    let backendClosed: () => void = () => {};
    const closed = new Promise<void>((r) => (backendClosed = r));
    const be = await backend((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('data: tick\n\n');
      res.on('close', () => backendClosed());
    });
    const gw = await gateway(noop(be.url));
    await new Promise<void>((resolve) => {
      const req = httpRequest(`${gw.url}/v1/items/1`, { method: 'POST' }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.end();
    });
    await closed; // the test times out if the backend connection is left open
  });

  it('answers 500 with the error text (return_error_msg) when the backend is down or too slow', async () => {
    const dead = await backend(() => {});
    const deadUrl = dead.url;
    await dead.close();
    cleanups.pop();
    const gw = await gateway({ ...noop(deadUrl), extra_config: { router: { return_error_msg: true } } });
    const res = await request(`${gw.url}/v1/items/1`, { method: 'POST' });
    expect(res.status).toBe(500);
    expect(res.body).toMatch(/ECONNREFUSED|connect/);

    const slow = await backend(() => {});
    const gw2 = await gateway({ ...noop(slow.url, { timeout: '100ms' }), extra_config: { router: { return_error_msg: true } } });
    const res2 = await request(`${gw2.url}/v1/items/1`, { method: 'POST' });
    expect(res2.status).toBe(500);
    expect(res2.body).toBe('context deadline exceeded');
  });
});

describe('service endpoints and misses', () => {
  it('answers /__health in KrakenD\'s shape, gin\'s 404 and a 405 with Allow', async () => {
    const gw = await gateway(noop('http://127.0.0.1:1'));
    const health = await request(`${gw.url}/__health`);
    expect(health.status).toBe(200);
    expect(health.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(health.body)).toEqual({ agents: {}, now: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC$/), status: 'ok' });
    const miss = await request(`${gw.url}/nope`);
    expect([miss.status, miss.body, miss.headers['content-type']]).toEqual([404, '404 page not found', 'text/plain']);
    const wrong = await request(`${gw.url}/v1/items/1`);
    expect([wrong.status, wrong.body, wrong.headers.allow]).toEqual([405, '405 method not allowed', 'POST']);
    const bad = await request(`${gw.url}/v1/items/%zz`, { method: 'POST' });
    expect(bad.status).toBe(400);
  });
});

describe('debug endpoint', () => {
  it('answers any method under /__debug/ with pong when enabled, redirects /__debug, and is absent otherwise', async () => {
    const on = await startRuntime(noop('http://127.0.0.1:1'), { debug: true });
    cleanups.push(() => on.close());
    const pong = await request(`${on.url}/__debug/anything?x=1`, { method: 'DELETE', body: 'b' });
    expect([pong.status, pong.body, pong.headers['content-type']]).toEqual([200, '{"message":"pong"}', 'application/json; charset=utf-8']);
    const redirect = await request(`${on.url}/__debug?x=1`);
    expect([redirect.status, redirect.headers.location]).toEqual([301, '/__debug/?x=1']);
    const off = await gateway(noop('http://127.0.0.1:1'));
    expect((await request(`${off.url}/__debug/`)).status).toBe(404);
  });
});

describe('headers set by a middleware before the endpoint', () => {
  it('survive next to the backend\'s repeated Set-Cookie lines', async () => {
    const { writeHeadLines } = await import('../../runtime/core/responses.js');
    const s = await startServer((_req, res) => {
      res.setHeader('Access-Control-Allow-Origin', '*');
      writeHeadLines(res, 200, ['Set-Cookie', 'a=1', 'Set-Cookie', 'b=2']);
      res.end();
    });
    cleanups.push(() => s.close());
    const res = await request(s.url);
    expect(headerLines(res.rawHeaders, 'set-cookie')).toEqual(['a=1', 'b=2']);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });
});
