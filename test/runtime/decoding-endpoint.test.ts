import { afterEach, describe, expect, it, vi } from 'vitest';
import { base } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { request, startServer } from '../helpers/servers.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function json(routes: Record<string, { status?: number; body: string }>) {
  const s = await startServer((req, res) => {
    const r = routes[req.url ?? ''] ?? { status: 404, body: 'missing' };
    res.writeHead(r.status ?? 200, { 'Content-Type': 'application/json', 'Set-Cookie': 'never=forwarded' });
    res.end(r.body);
  });
  cleanups.push(() => s.close());
  return s;
}

describe('decoding endpoint', () => {
  it('merges backends, groups, marks the response complete and sets Cache-Control from cache_ttl', async () => {
    const be = await json({ '/user/7': { body: '{"name":"ada"}' }, '/orders/7': { body: '[1,2]' } });
    const gw = await startRuntime(
      base([
        {
          endpoint: '/u/{id}',
          cache_ttl: '30s',
          backend: [
            { url_pattern: '/user/{id}', host: [be.url] },
            { url_pattern: '/orders/{id}', host: [be.url], group: 'orders', is_collection: true },
          ],
        },
      ]),
    );
    cleanups.push(() => gw.close());
    const res = await request(`${gw.url}/u/7`);
    expect(res.status).toBe(200);
    // is_collection wraps the array as {collection}, then group nests it, as Lura does.
    expect(JSON.parse(res.body)).toEqual({ name: 'ada', orders: { collection: [1, 2] } });
    expect(res.headers['x-gateway-completed']).toBe('true');
    expect(res.headers['cache-control']).toBe('public, max-age=30');
    expect(res.headers['set-cookie']).toBeUndefined(); // backend headers never reach the client on decoding endpoints
  });

  it('returns a partial 200 when one backend fails and a 500 with the reasons when all fail', async () => {
    const be = await json({ '/ok': { body: '{"a":1}' }, '/bad': { status: 404, body: '{}' } });
    const gw = await startRuntime(
      base(
        [
          { endpoint: '/partial', backend: [{ url_pattern: '/ok', host: [be.url] }, { url_pattern: '/bad', host: [be.url] }] },
          { endpoint: '/none', backend: [{ url_pattern: '/bad', host: [be.url] }] },
        ],
        { extra_config: { router: { return_error_msg: true } } },
      ),
    );
    cleanups.push(() => gw.close());
    const partial = await request(`${gw.url}/partial`);
    expect([partial.status, partial.body, partial.headers['x-gateway-completed']]).toEqual([200, '{"a":1}', 'false']);
    const none = await request(`${gw.url}/none`);
    expect(none.status).toBe(500);
    expect(none.body).toBe(`invalid status code 404 [GET /bad]: ${be.url}/bad`);
  });

  it('sends shadow backends a copy of the request and drops their answer', async () => {
    let shadowSaw = '';
    const shadow = await startServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        shadowSaw = `${req.method} ${req.url} ${body}`;
        res.end('{"from":"shadow"}');
      });
    });
    cleanups.push(() => shadow.close());
    const be = await json({ '/main': { body: '{"from":"main"}' } });
    const gw = await startRuntime(
      base([{ endpoint: '/s', method: 'POST', backend: [{ url_pattern: '/main', host: [be.url] }, { url_pattern: '/copy', host: [shadow.url], extra_config: { proxy: { shadow: true } } }] }]),
    );
    cleanups.push(() => gw.close());
    const res = await request(`${gw.url}/s`, { method: 'POST', body: 'payload' });
    expect([res.status, res.body, res.headers['x-gateway-completed']]).toEqual([200, '{"from":"main"}', 'true']);
    await vi.waitFor(() => expect(shadowSaw).toBe('POST /copy payload'));
  });

  it('balances over several hosts', async () => {
    const hits = [0, 0];
    const a = await startServer((_q, res) => ((hits[0] = hits[0]! + 1), res.end('{"a":1}')));
    const b = await startServer((_q, res) => ((hits[1] = hits[1]! + 1), res.end('{"b":1}')));
    cleanups.push(() => a.close(), () => b.close());
    const gw = await startRuntime(base([{ endpoint: '/lb', backend: [{ url_pattern: '/', host: [a.url, b.url] }] }]));
    cleanups.push(() => gw.close());
    for (let i = 0; i < 60; i++) expect((await request(`${gw.url}/lb`)).status).toBe(200);
    expect(hits[0]! + hits[1]!).toBe(60);
    expect(Math.min(...hits)).toBeGreaterThan(5); // uniform random: both get a fair share
  });
});

