import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { request, startServer, type EchoedRequest, type TestServer } from '../helpers/servers.js';

/**
 * krakend-lua's proxy and backend scripts on a real Lua VM (wasmoon) in a
 * running gateway: requests edited before the call (URL, headers, body,
 * params), answers edited after it (luaTable / luaList), custom_error's
 * status, script errors, skip_next, allow_open_libs and sources read from
 * files.
 */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A backend that answers JSON describing the request it got, plus fixed data. */
async function echo(extra: Record<string, unknown> = {}): Promise<TestServer & { calls: number }> {
  let calls = 0;
  const s = await startServer((req, res) => {
    calls++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen: EchoedRequest = { method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body: Buffer.concat(chunks).toString('utf8') };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ...seen, ...extra }));
    });
  });
  cleanups.push(() => s.close());
  return Object.assign(s, {
    get calls() {
      return calls;
    },
  });
}

async function gateway(endpoints: unknown[]) {
  const g = await startRuntime(base(endpoints, { extra_config: { router: { return_error_msg: true } } }));
  cleanups.push(() => g.close());
  return g;
}

describe('modifier/lua-backend', () => {
  it('edits the backend request as built: URL from a param, a header, the body', async () => {
    const be = await echo();
    const gw = await gateway([
      {
        endpoint: '/orders/{id}',
        method: 'POST',
        backend: [
          {
            url_pattern: '/orders/',
            host: [be.url],
            extra_config: {
              'modifier/lua-backend': {
                allow_open_libs: true,
                pre: "local r = request.load(); r:url(r:url() .. r:params('Id') .. '?src=lua'); r:headers('X-Trace', 'lua-' .. r:method()); r:body(string.upper(r:body()))",
              },
            },
          },
        ],
      },
    ]);
    const res = await request(`${gw.url}/orders/42`, { method: 'POST', body: '{"a":"b"}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    const seen = JSON.parse(res.body) as EchoedRequest;
    expect(seen.url).toBe('/orders/42?src=lua');
    expect(seen.body).toBe('{"A":"B"}');
    const trace = seen.rawHeaders.findIndex((h) => h.toLowerCase() === 'x-trace');
    expect(seen.rawHeaders[trace + 1]).toBe('lua-POST');
  });

  it('answers with custom_error\'s status and message, and a failing script with a 500 naming the Lua error', async () => {
    const be = await echo();
    const gw = await gateway([
      { endpoint: '/teapot', backend: [{ url_pattern: '/t', host: [be.url], extra_config: { 'modifier/lua-backend': { pre: 'custom_error("I am a teapot", 418)' } } }] },
      { endpoint: '/broken', backend: [{ url_pattern: '/b', host: [be.url], extra_config: { 'modifier/lua-backend': { pre: 'local x = nil; x.y = 1' } } }] },
      // Without allow_open_libs the standard libraries are not there, as in KrakenD.
      { endpoint: '/nolibs', backend: [{ url_pattern: '/n', host: [be.url], extra_config: { 'modifier/lua-backend': { pre: 'string.upper("x")' } } }] },
    ]);
    const odd = await gateway([{ endpoint: '/odd', backend: [{ url_pattern: '/o', host: [be.url], extra_config: { 'modifier/lua-backend': { pre: 'custom_error("odd status", 1000)' } } }] }]);
    // A status HTTP cannot carry becomes 500 instead of a writeHead that throws where nothing catches it.
    const oddRes = await request(`${odd.url}/odd`);
    expect(oddRes.status).toBe(500);
    expect(oddRes.body).toBe('odd status');
    const teapot = await request(`${gw.url}/teapot`);
    expect(teapot.status).toBe(418);
    expect(teapot.body).toBe('I am a teapot');
    const broken = await request(`${gw.url}/broken`);
    expect(broken.status).toBe(500);
    expect(broken.body).toMatch(/^lua: pre-script: .*attempt to index a nil value/);
    expect((await request(`${gw.url}/nolibs`)).status).toBe(500);
    expect(be.calls).toBe(0);
  });
});

describe('a script that never ends', () => {
  it('is stopped at the endpoint timeout with a 500, and the gateway keeps serving everyone else', async () => {
    const be = await echo();
    const spin = "local r = request.load(); if r:params('Id') == 'spin' then while true do end end";
    const gw = await gateway([
      { endpoint: '/run/{id}', timeout: '300ms', backend: [{ url_pattern: '/r', host: [be.url], extra_config: { 'modifier/lua-backend': { pre: spin } } }] },
      { endpoint: '/fine', backend: [{ url_pattern: '/f', host: [be.url] }] },
    ]);
    const started = Date.now();
    const res = await request(`${gw.url}/run/spin`);
    expect(res.status).toBe(500);
    expect(res.body).toMatch(/lua: pre-script: .*ran longer than 300 ms/);
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await request(`${gw.url}/fine`)).status).toBe(200);
    // pcall cannot swallow the watchdog: once over time, every instruction raises again.
    const sneaky = await gateway([
      { endpoint: '/sneaky', timeout: '300ms', backend: [{ url_pattern: '/s', host: [be.url], extra_config: { 'modifier/lua-backend': { allow_open_libs: true, pre: 'while true do pcall(function() while true do end end) end' } } }] },
    ]);
    const caught = await request(`${sneaky.url}/sneaky`);
    expect(caught.status).toBe(500);
    expect(caught.body).toMatch(/ran longer than 300 ms/);
    // The same VM's next run gets a fresh deadline: a quick script is not cut short.
    await new Promise((r) => setTimeout(r, 350));
    expect((await request(`${gw.url}/run/quick`)).status).toBe(200);
  });
});

describe('modifier/lua-proxy', () => {
  it('edits the merged answer in place (luaTable, luaList from 0, Lua tables stored keyed by their Lua keys)', async () => {
    const be = await echo({ collection: [{ path: '/a' }, { path: '/b' }], secret: 's' });
    const gw = await gateway([
      {
        endpoint: '/col',
        backend: [{ url_pattern: '/c', host: [be.url], allow: ['collection', 'secret'] }],
        extra_config: {
          'modifier/lua-proxy': {
            allow_open_libs: true,
            post: [
              'local d = response.load():data()',
              'local col = d:get("collection")',
              'local paths = {}',
              'for i = 0, col:len() - 1 do table.insert(paths, col:get(i):get("path")) end',
              'd:set("paths", paths)',
              'd:set("total", col:len())',
              'd:del("collection")',
              'd:del("secret")',
              'response.load():isComplete(true)',
            ].join('\n'),
          },
        },
      },
    ]);
    const res = await request(`${gw.url}/col`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ paths: { '1': '/a', '2': '/b' }, total: 2 });
    expect(res.headers['x-gateway-completed']).toBe('true');
  });

  it('edits the request before the backends: a param that feeds url_pattern and a header input_headers would not pass', async () => {
    const be = await echo();
    const gw = await gateway([
      {
        endpoint: '/users/{id}',
        backend: [{ url_pattern: '/u/{id}', host: [be.url] }],
        extra_config: { 'modifier/lua-proxy': { pre: "local r = request.load(); r:params('Id', 'me-' .. r:params('Id')); r:headers('X-From-Lua', 'yes')" } },
      },
    ]);
    const seen = JSON.parse((await request(`${gw.url}/users/7`)).body) as EchoedRequest;
    expect(seen.url).toBe('/u/me-7');
    expect(seen.rawHeaders.map((h) => h.toLowerCase())).toContain('x-from-lua');
  });

  it('answers from the script alone with skip_next', async () => {
    const be = await echo();
    const gw = await gateway([
      { endpoint: '/static', backend: [{ url_pattern: '/s', host: [be.url] }], extra_config: { 'modifier/lua-proxy': { skip_next: true, post: 'response.load():data():set("from", "lua")' } } },
    ]);
    const res = await request(`${gw.url}/static`);
    expect(JSON.parse(res.body)).toEqual({ from: 'lua' });
    expect(be.calls).toBe(0);
  });

  it('loads functions from sources files (read when the gateway is built)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hgw-lua-'));
    const file = join(dir, 'decorate.lua');
    writeFileSync(file, 'function decorate(resp)\n  resp:data():set("decorated", true)\nend\n');
    const be = await echo({ value: 1 });
    const gw = await gateway([
      { endpoint: '/d', backend: [{ url_pattern: '/d', host: [be.url], allow: ['value'] }], extra_config: { 'modifier/lua-proxy': { sources: [file], post: 'decorate(response.load())' } } },
    ]);
    expect(JSON.parse((await request(`${gw.url}/d`)).body)).toEqual({ value: 1, decorated: true });
  });
});

describe('modifier/lua-endpoint (router scripts)', () => {
  it('edits the HTTP request before the endpoint: a header, a query value, a param; custom_error aborts with its status and no body', async () => {
    const be = await echo();
    const gw = await gateway([
      {
        endpoint: '/items/{id}',
        input_headers: ['X-Tenant'],
        input_query_strings: ['page'],
        backend: [{ url_pattern: '/i/{id}', host: [be.url] }],
        extra_config: {
          'modifier/lua-endpoint': {
            pre: "local c = ctx.load(); if c:headers('X-Block') ~= '' then custom_error('blocked', 451) end; c:headers('X-Tenant', 'acme'); c:query('page', '2'); c:params('id', 'n-' .. c:params('id'))",
          },
        },
      },
    ]);
    const seen = JSON.parse((await request(`${gw.url}/items/5?page=1`)).body) as EchoedRequest;
    expect(seen.url).toBe('/i/n-5?page=2');
    expect(seen.rawHeaders[seen.rawHeaders.findIndex((h) => h.toLowerCase() === 'x-tenant') + 1]).toBe('acme');
    const blocked = await request(`${gw.url}/items/5`, { headers: { 'x-block': '1' } });
    expect(blocked.status).toBe(451);
    expect(blocked.body).toBe('');
  });

  it('runs a service-level router script on every request, before routing', async () => {
    const be = await echo();
    const g = await startRuntime(
      base([{ endpoint: '/a', backend: [{ url_pattern: '/a', host: [be.url] }] }], { extra_config: { 'modifier/lua-endpoint': { pre: "local c = ctx.load(); if c:url() == '/forbidden' then custom_error('no', 403) end" } } }),
    );
    cleanups.push(() => g.close());
    expect((await request(`${g.url}/a`)).status).toBe(200);
    expect((await request(`${g.url}/forbidden`)).status).toBe(403);
  });
});
