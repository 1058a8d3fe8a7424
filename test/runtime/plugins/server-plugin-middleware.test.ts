import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Middleware } from '../../../runtime/core/middleware.js';
import type { ServicePlan } from '../../../runtime/plan/plan.js';
import { branding, COMPLETED_HEADER, POWERED_BY_HEADER } from '../../../runtime/shared/branding.js';
import { createLogger } from '../../../runtime/shared/log/logger.js';
import type { PluginRegistration, ServerPlugin } from '../../../runtime/plugins/plugin-api.js';
import { serverPluginMiddleware, serverPluginMiddlewareFactory } from '../../../runtime/plugins/server-plugin-middleware.js';
import { request, startServer, type TestServer } from '../../helpers/servers.js';

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

/** The middleware in front of an endpoint that answers 200 `endpoint`, on a real server; counts what reaches the endpoint. */
async function serve(mw: Middleware): Promise<TestServer & { reached: () => number }> {
  let reached = 0;
  const s = await startServer((req: IncomingMessage, res: ServerResponse) => {
    try {
      mw(req, res, () => {
        reached++;
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('endpoint');
      });
    } catch {
      // what the router's recovery does
      res.writeHead(500).end('recovered');
    }
  });
  servers.push(s);
  return { ...s, reached: () => reached };
}

const addHeader: ServerPlugin = {
  name: 'add-header',
  hgw: '*',
  kind: 'server',
  create(config) {
    const value = typeof config.value === 'string' ? config.value : 'default';
    return (_req, res, next) => {
      res.setHeader('X-Plugin', value);
      next();
    };
  },
};

const trace = (name: string, seen: string[]): ServerPlugin => ({
  name,
  hgw: '*',
  kind: 'server',
  create: () => (_req, res, next) => {
    seen.push(name);
    res.appendHeader('X-Chain', name);
    next();
  },
});

const guard: ServerPlugin = {
  name: 'guard',
  hgw: '*',
  kind: 'server',
  create: (config) => (req, res, next) => {
    if (req.headers['x-key'] === config.key) next();
    else res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error":"no key"}');
  },
};

describe('server plugins as router middleware (extra_config["plugin/http-server"])', () => {
  it('runs a plugin with its own config slice, then hands on to the router', async () => {
    const s = await serve(serverPluginMiddleware([addHeader], { 'plugin/http-server': { name: ['add-header'], 'add-header': { value: 'acme' } } }));
    const res = await request(`${s.url}/x`);
    expect(res.status).toBe(200);
    expect(res.body).toBe('endpoint');
    expect(res.headers['x-plugin']).toBe('acme');
    expect(s.reached()).toBe(1);
  });

  it('chains several plugins in the listed order; `name` may be a plain string', async () => {
    const seen: string[] = [];
    const regs = [trace('a', seen), trace('b', seen), trace('c', seen)];
    const s = await serve(serverPluginMiddleware(regs, { 'plugin/http-server': { name: ['c', 'a', 'b'] } }));
    const res = await request(`${s.url}/`);
    expect(res.headers['x-chain']).toBe('c, a, b');
    expect(seen).toEqual(['c', 'a', 'b']);
    const one = await serve(serverPluginMiddleware(regs, { 'plugin/http-server': { name: 'b' } }));
    expect((await request(`${one.url}/`)).headers['x-chain']).toBe('b');
  });

  it('a plugin that answers stops the chain: the router never sees the request', async () => {
    const s = await serve(serverPluginMiddleware([guard, addHeader], { 'plugin/http-server': { name: ['guard', 'add-header'], guard: { key: 'k1' } } }));
    const denied = await request(`${s.url}/`);
    expect(denied.status).toBe(401);
    expect(denied.body).toBe('{"error":"no key"}');
    expect(denied.headers['x-plugin']).toBeUndefined();
    const allowed = await request(`${s.url}/`, { headers: { 'x-key': 'k1' } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers['x-plugin']).toBe('default');
    expect(s.reached()).toBe(1);
  });

  it('calling next() twice reaches the router once', async () => {
    const twice: ServerPlugin = { name: 't', hgw: '*', kind: 'server', create: () => (_q, _s, next) => { next(); next(); } };
    const s = await serve(serverPluginMiddleware([twice], { 'plugin/http-server': { name: ['t'] } }));
    expect((await request(`${s.url}/`)).status).toBe(200);
    expect(s.reached()).toBe(1);
  });

  it('an async handler may call next later; a rejected one is logged and answered 500 with the gateway\'s headers', async () => {
    const lines: string[] = [];
    const errors: string[] = [];
    const later: ServerPlugin = {
      name: 'later',
      hgw: '*',
      kind: 'server',
      create: () => async (req, _res, next) => {
        await new Promise((r) => setTimeout(r, 5));
        if (req.url === '/fail') throw new Error('lookup failed');
        next();
      },
    };
    const brand = branding({ name: 'hanzoai/gateway', version: '2.13.8' }, false);
    const s = await serve(
      serverPluginMiddleware([later], { 'plugin/http-server': { name: ['later'] } }, {
        log: createLogger({ write: (l) => lines.push(l) }),
        brand,
        onAsyncError: (name, e) => errors.push(`${name}: ${(e as Error).message}`),
      }),
    );
    expect((await request(`${s.url}/ok`)).body).toBe('endpoint');
    const failed = await request(`${s.url}/fail`);
    expect(failed.status).toBe(500);
    expect(failed.body).toBe('');
    expect(failed.headers[POWERED_BY_HEADER.toLowerCase()]).toBe(brand.poweredBy);
    expect(failed.headers[COMPLETED_HEADER.toLowerCase()]).toBe('false');
    expect(lines.join('')).toContain('ERROR [PLUGIN: later] request GET /fail failed: lookup failed');
    expect(errors).toEqual(['later: lookup failed']);
  });

  it('a handler that throws at once is left to the router\'s recovery', async () => {
    const thrower: ServerPlugin = { name: 'x', hgw: '*', kind: 'server', create: () => () => { throw new Error('bug'); } };
    const s = await serve(serverPluginMiddleware([thrower], { 'plugin/http-server': { name: ['x'] } }));
    const res = await request(`${s.url}/`);
    expect(res.status).toBe(500);
    expect(res.body).toBe('recovered');
  });

  it('without the namespace (or with no names) it passes everything through', async () => {
    for (const extra of [{}, { 'plugin/http-server': { name: [] } }, { 'plugin/http-server': {} }]) {
      const s = await serve(serverPluginMiddleware([addHeader], extra));
      const res = await request(`${s.url}/`);
      expect(res.status).toBe(200);
      expect(res.headers['x-plugin']).toBeUndefined();
    }
  });

  it('fails at start-up for an unknown name, a throwing create() or one that returns no function', () => {
    expect(() => serverPluginMiddleware([addHeader], { 'plugin/http-server': { name: ['nope'] } })).toThrow('no server plugin named "nope" is loaded (loaded: add-header)');
    const throwing: PluginRegistration = { name: 'b', hgw: '*', kind: 'server', create: () => { throw new Error('needs a key'); } };
    expect(() => serverPluginMiddleware([throwing], { 'plugin/http-server': { name: ['b'] } })).toThrow('server plugin "b": create() threw: needs a key');
    const empty = { name: 'e', hgw: '*', kind: 'server', create: () => undefined } as unknown as PluginRegistration;
    expect(() => serverPluginMiddleware([empty], { 'plugin/http-server': { name: ['e'] } })).toThrow('server plugin "e": create() must return a (req, res, next) function (got undefined)');
  });

  it('serverPluginMiddlewareFactory reads the service extra_config and logs through the gateway logger', async () => {
    const lines: string[] = [];
    const talker: ServerPlugin = {
      name: 'talker',
      hgw: '*',
      kind: 'server',
      create: (_c, { log }) => {
        log.info('ready');
        return (_q, _s, next) => next();
      },
    };
    const factory = serverPluginMiddlewareFactory([talker]);
    const mw = factory({
      service: { extraConfig: { 'plugin/http-server': { name: ['talker'] } } } as unknown as ServicePlan,
      brand: branding({ name: 'hanzoai/gateway', version: '1' }, false),
      log: createLogger({ write: (l) => lines.push(l) }),
      env: {},
      hostMap: {},
    });
    const s = await serve(mw);
    expect((await request(`${s.url}/`)).status).toBe(200);
    expect(lines.join('')).toContain('INFO [PLUGIN: talker] ready');
  });
});
