import { afterEach, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { base } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { echoHandler, request, startServer, type EchoedRequest } from '../helpers/servers.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(config: (backend: string) => unknown) {
  const be = await startServer(echoHandler);
  cleanups.push(() => be.close());
  const gw = await startRuntime(config(be.url));
  cleanups.push(() => gw.close());
  return gw;
}

/** Sends a chunked body (no Content-Length) of `size` bytes in 1 KB pieces. */
function chunkedPost(url: string, size: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (let sent = 0; sent < size; sent += 1024) req.write(Buffer.alloc(Math.min(1024, size - sent), 97));
    req.end();
  });
}

describe('max_payload', () => {
  const config = (host: string) =>
    base(
      [
        { endpoint: '/up', method: 'POST', output_encoding: 'no-op', backend: [{ url_pattern: '/up', host: [host] }] },
        { endpoint: '/merge', method: 'POST', backend: [{ url_pattern: '/a', host: [host], group: 'a' }, { url_pattern: '/b', host: [host], group: 'b' }] },
        { endpoint: '/big', method: 'POST', output_encoding: 'no-op', backend: [{ url_pattern: '/big', host: [host] }], extra_config: { proxy: { max_payload: 100000 } } },
      ],
      { extra_config: { router: { max_payload: 4096 } } },
    );

  it('refuses a declared oversize body with 413 before calling the backend', async () => {
    const gw = await setup(config);
    const res = await request(`${gw.url}/up`, { method: 'POST', body: Buffer.alloc(5000, 97) });
    expect([res.status, res.body]).toEqual([413, 'http: request body too large']);
  });

  it('counts a chunked body as it streams, on streaming and buffering endpoints', async () => {
    const gw = await setup(config);
    expect(await chunkedPost(`${gw.url}/up`, 10_000)).toEqual({ status: 413, body: 'http: request body too large' });
    expect(await chunkedPost(`${gw.url}/merge`, 10_000)).toEqual({ status: 413, body: 'http: request body too large' });
  });

  it('lets bodies within the limit through, and an endpoint may raise it', async () => {
    const gw = await setup(config);
    const small = await chunkedPost(`${gw.url}/up`, 3000);
    expect(small.status).toBe(200);
    expect((JSON.parse(small.body) as EchoedRequest).body).toHaveLength(3000);
    expect((await chunkedPost(`${gw.url}/big`, 50_000)).status).toBe(200);
  });
});

describe('router options', () => {
  it('auto_options answers OPTIONS with the allowed methods', async () => {
    const gw = await setup((host) =>
      base([{ endpoint: '/x', backend: [{ url_pattern: '/x', host: [host] }] }, { endpoint: '/x', method: 'DELETE', backend: [{ url_pattern: '/x', host: [host] }] }], {
        extra_config: { router: { auto_options: true } },
      }),
    );
    const res = await request(`${gw.url}/x`, { method: 'OPTIONS' });
    expect([res.status, res.headers.allow]).toEqual([200, 'DELETE, GET']);
  });

  it('disable_redirect_trailing_slash and disable_handle_method_not_allowed turn redirects and 405s into 404s', async () => {
    const gw = await setup((host) =>
      base([{ endpoint: '/x', backend: [{ url_pattern: '/x', host: [host] }] }], {
        extra_config: { router: { disable_redirect_trailing_slash: true, disable_redirect_fixed_path: true, disable_handle_method_not_allowed: true } },
      }),
    );
    expect((await request(`${gw.url}/x/`)).status).toBe(404);
    expect((await request(`${gw.url}/X`)).status).toBe(404);
    expect((await request(`${gw.url}/x`, { method: 'POST' })).status).toBe(404);
  });

  it('writes one access-log line per request unless disabled or skipped', async () => {
    const gw = await setup((host) =>
      base([{ endpoint: '/x', output_encoding: 'no-op', backend: [{ url_pattern: '/x', host: [host] }] }], {
        extra_config: { router: { logger_skip_paths: ['/__health'] }, 'telemetry/logging': { level: 'INFO', prefix: '[EDGE]' } },
      }),
    );
    await request(`${gw.url}/x?y=1`);
    await request(`${gw.url}/__health`);
    const access = gw.logs.filter((l) => l.includes('[ACCESS]'));
    expect(access).toHaveLength(1);
    expect(access[0]).toMatch(/^\[EDGE\] \d{4}\/\d\d\/\d\d - [\d:.]+ ▶ INFO \[ACCESS\] 200 \| [\d.]+ms \| 127\.0\.0\.1 \| GET "\/x\?y=1" \| [0-9a-f-]{36}\n$/); // the request id, generated
  });
});

describe('recovery', () => {
  it('answers 500 when a stage throws, logs it, and keeps serving', async () => {
    const { startGateway } = await import('../../runtime/core/start.js');
    const { planOf } = await import('../helpers/check.js');
    const plan = planOf(base([{ endpoint: '/x', backend: [{ url_pattern: '/x', host: ['http://127.0.0.1:99'] }] }]));
    const logs: string[] = [];
    const boom = () => () => {
      throw new Error('stage bug');
    };
    const gw = await startGateway(
      {
        build: { hgwVersion: 't', brand: { name: 'b', version: '1' }, configFile: 'g.json', configSha256: '0', hostMap: {}, unimplemented: [] },
        service: plan.service,
        endpoints: [{ plan: plan.endpoints[0]!, handler: boom, backends: [] }],
      },
      { port: 0, host: '127.0.0.1', write: (l) => logs.push(l) },
    );
    cleanups.push(() => gw.close());
    expect((await request(`http://127.0.0.1:${gw.port}/x`)).status).toBe(500);
    expect((await request(`http://127.0.0.1:${gw.port}/__health`)).status).toBe(200);
    expect(logs.some((l) => l.includes('recovered from a panic') && l.includes('stage bug'))).toBe(true);
  });
});
