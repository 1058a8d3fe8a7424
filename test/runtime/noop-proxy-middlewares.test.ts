import { afterEach, describe, expect, it } from 'vitest';
import { base } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { request, startServer, type EchoedRequest, type TestServer } from '../helpers/servers.js';

/**
 * CEL, JSON Schema and Lua on `no-op` endpoints: their request side runs as in
 * a decoding endpoint (checks refuse, schemas validate, scripts edit the
 * backend request), then the backend's answer streams to the client as
 * always; response-side checks and scripts are reported as not running.
 */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function echo(): Promise<TestServer & { calls: () => number }> {
  let calls = 0;
  const s = await startServer((req, res) => {
    calls++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen: EchoedRequest = { method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body: Buffer.concat(chunks).toString('utf8') };
      res.writeHead(201, { 'Content-Type': 'application/json', 'X-Backend': 'yes' }).end(JSON.stringify(seen));
    });
  });
  cleanups.push(() => s.close());
  return Object.assign(s, { calls: () => calls });
}

async function gateway(endpoint: Record<string, unknown>) {
  const g = await startRuntime(base([{ output_encoding: 'no-op', ...endpoint }], { extra_config: { router: { return_error_msg: true } } }));
  cleanups.push(() => g.close());
  return g;
}

describe('proxy middlewares on no-op endpoints', () => {
  it('refuses with a CEL request check and passes the backend\'s answer through untouched otherwise', async () => {
    const be = await echo();
    const gw = await gateway({
      endpoint: '/n/{id}',
      input_headers: ['X-Tenant'],
      backend: [{ url_pattern: '/b/{id}', host: [be.url] }],
      extra_config: { 'validation/cel': [{ check_expr: "'acme' in req_headers['X-Tenant']" }, { check_expr: 'resp_completed' }] },
    });
    const refused = await request(`${gw.url}/n/1`, { headers: { 'x-tenant': 'other' } });
    expect(refused.status).toBe(500);
    expect(refused.body).toBe('request aborted by evaluator #0');
    expect(be.calls()).toBe(0);
    const ok = await request(`${gw.url}/n/1`, { headers: { 'x-tenant': 'acme' } });
    expect(ok.status).toBe(201);
    expect(ok.headers['x-backend']).toBe('yes');
    expect((JSON.parse(ok.body) as EchoedRequest).url).toBe('/b/1');
    expect(gw.logs.some((l) => l.includes('resp checks do not run on a no-op endpoint'))).toBe(true);
  });

  it('validates the body with JSON Schema and sends the validated body on', async () => {
    const be = await echo();
    const gw = await gateway({ endpoint: '/n', method: 'POST', backend: [{ url_pattern: '/b', host: [be.url] }], extra_config: { 'validation/json-schema': { type: 'object', required: ['a'] } } });
    const bad = await request(`${gw.url}/n`, { method: 'POST', body: '{"b":1}', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toBe('- (root): a is required');
    const good = await request(`${gw.url}/n`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(good.status).toBe(201);
    expect((JSON.parse(good.body) as EchoedRequest).body).toBe('{"a":1}');
    expect(be.calls()).toBe(1);
  });

  it('lets a Lua backend script edit the request, and custom_error refuse it', async () => {
    const be = await echo();
    const gw = await gateway({
      endpoint: '/n/{id}',
      backend: [
        {
          url_pattern: '/b/',
          host: [be.url],
          extra_config: { 'modifier/lua-backend': { pre: "local r = request.load(); if r:params('Id') == 'no' then custom_error('not this one', 403) end; r:url(r:url() .. r:params('Id'))" } },
        },
      ],
    });
    expect((JSON.parse((await request(`${gw.url}/n/7`)).body) as EchoedRequest).url).toBe('/b/7');
    const refused = await request(`${gw.url}/n/no`);
    expect(refused.status).toBe(403);
    expect(refused.body).toBe('not this one');
  });
});
