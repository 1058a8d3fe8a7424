/** qos/ratelimit/router on real sockets: bursts, refills, per-client isolation, the service-level fallback and the 429 itself. */
import { afterEach, describe, expect, it } from 'vitest';
import { createRouterRateLimit, routerRateLimit } from '../../../../runtime/qos/ratelimit/router-rate-limit.js';
import { request } from '../../../helpers/servers.js';
import { burst, manualClock, serveLimited, statuses, testDeps, testEndpoint, type Served } from './serve-rate-limit.js';

const NS = 'qos/ratelimit/router';
const servers: Served[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

async function serve(routes: Parameters<typeof serveLimited>[0]): Promise<Served> {
  const s = await serveLimited(routes);
  servers.push(s);
  return s;
}

describe('global limit (max_rate)', () => {
  it('max_rate 10 every 1s: of 100 requests in one burst exactly 10 pass', async () => {
    const clock = manualClock();
    const deps = testDeps();
    const mw = createRouterRateLimit(testEndpoint('/x', { [NS]: { max_rate: 10, every: '1s' } }), deps, { clock: clock.now });
    const s = await serve({ '/x': mw });
    const res = await burst(`${s.url}/x`, 100);
    expect(statuses(res)).toEqual({ 200: 10, 429: 90 });
    expect(s.reached()).toBe(10);
  });

  it('answers 429 with the Go gateway JSON body, Retry-After and the gateway headers', async () => {
    const clock = manualClock();
    const mw = createRouterRateLimit(testEndpoint('/x', { [NS]: { max_rate: 1, every: '1m' } }), testDeps(), { clock: clock.now });
    const s = await serve({ '/x': mw });
    expect((await request(`${s.url}/x`)).status).toBe(200);
    const limited = await request(`${s.url}/x`);
    expect(limited.status).toBe(429);
    expect(limited.body).toBe('{"message":"rate limit exceeded"}');
    expect(limited.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(limited.headers['content-length']).toBe(String(Buffer.byteLength(limited.body)));
    expect(limited.headers['retry-after']).toBe('60'); // one token a minute, none left
    expect(limited.headers['x-gateway-completed']).toBe('false');
    expect(limited.headers['x-powered-by']).toBe('hanzoai/gateway Version 2.13.8');
    clock.advance(45_000);
    expect((await request(`${s.url}/x`)).headers['retry-after']).toBe('15');
  });

  it('Retry-After is the whole seconds until a token, at least 1', async () => {
    const clock = manualClock();
    const mw = createRouterRateLimit(testEndpoint('/x', { [NS]: { max_rate: 10 } }), testDeps(), { clock: clock.now });
    const s = await serve({ '/x': mw });
    const res = await burst(`${s.url}/x`, 11);
    const limited = res.filter((r) => r.status === 429);
    expect(limited.map((r) => r.headers['retry-after'])).toEqual(['1']); // 100 ms away
  });

  it('refills by elapsed time, never past capacity', async () => {
    const clock = manualClock();
    const mw = createRouterRateLimit(testEndpoint('/x', { [NS]: { max_rate: 10, capacity: 10 } }), testDeps(), { clock: clock.now });
    const s = await serve({ '/x': mw });
    expect(statuses(await burst(`${s.url}/x`, 10))).toEqual({ 200: 10 });
    expect((await request(`${s.url}/x`)).status).toBe(429);
    clock.advance(300); // 3 tokens
    expect(statuses(await burst(`${s.url}/x`, 5))).toEqual({ 200: 3, 429: 2 });
    clock.advance(60_000); // long idle: full again, but only to capacity
    expect(statuses(await burst(`${s.url}/x`, 15))).toEqual({ 200: 10, 429: 5 });
  });

  it('capacity defaults to the rate per second (KrakenD): 120 every 1m bursts 2', async () => {
    const clock = manualClock();
    const mw = createRouterRateLimit(testEndpoint('/x', { [NS]: { max_rate: 120, every: '1m' } }), testDeps(), { clock: clock.now });
    const s = await serve({ '/x': mw });
    expect(statuses(await burst(`${s.url}/x`, 5))).toEqual({ 200: 2, 429: 3 });
    clock.advance(500); // 2 per second
    expect(statuses(await burst(`${s.url}/x`, 3))).toEqual({ 200: 1, 429: 2 });
  });

  it('an explicit capacity can exceed the rate: a burst of 5, then 1 per second', async () => {
    const clock = manualClock();
    const mw = createRouterRateLimit(testEndpoint('/x', { [NS]: { max_rate: 1, capacity: 5 } }), testDeps(), { clock: clock.now });
    const s = await serve({ '/x': mw });
    expect(statuses(await burst(`${s.url}/x`, 8))).toEqual({ 200: 5, 429: 3 });
    clock.advance(1000);
    expect(statuses(await burst(`${s.url}/x`, 2))).toEqual({ 200: 1, 429: 1 });
  });

  it('every under a second counts as 1s, as in KrakenD', async () => {
    const clock = manualClock();
    const mw = createRouterRateLimit(testEndpoint('/x', { [NS]: { max_rate: 2, every: '100ms' } }), testDeps(), { clock: clock.now });
    const s = await serve({ '/x': mw });
    expect(statuses(await burst(`${s.url}/x`, 4))).toEqual({ 200: 2, 429: 2 });
    clock.advance(500);
    expect(statuses(await burst(`${s.url}/x`, 3))).toEqual({ 200: 1, 429: 2 });
  });

  it('max_rate 0 without a client limit limits nothing', async () => {
    const mw = createRouterRateLimit(testEndpoint('/x', { [NS]: { max_rate: 0 } }), testDeps());
    const s = await serve({ '/x': mw });
    expect(statuses(await burst(`${s.url}/x`, 50))).toEqual({ 200: 50 });
  });
});

describe('per-client limit (client_max_rate)', () => {
  const xff = (ip: string) => ({ 'X-Forwarded-For': ip });

  it('strategy ip: two clients behind a trusted proxy (127.0.0.1) have a bucket each', async () => {
    const clock = manualClock();
    const mw = createRouterRateLimit(testEndpoint('/x', { [NS]: { client_max_rate: 3, strategy: 'ip' } }), testDeps(), { clock: clock.now });
    const s = await serve({ '/x': mw });
    const a = await burst(`${s.url}/x`, 10, () => xff('203.0.113.1'));
    const b = await burst(`${s.url}/x`, 10, () => xff('203.0.113.2'));
    expect(statuses(a)).toEqual({ 200: 3, 429: 7 });
    expect(statuses(b)).toEqual({ 200: 3, 429: 7 });
    // Proxies we run in the chain are skipped: the client is the hop before them.
    expect((await request(`${s.url}/x`, { headers: xff('203.0.113.3, 10.0.0.5') })).status).toBe(200);
    expect(statuses(await burst(`${s.url}/x`, 3, () => xff('203.0.113.3')))).toEqual({ 200: 2, 429: 1 });
  });

  it('strategy ip: X-Forwarded-For from an untrusted peer is ignored, so a client cannot pick its bucket', async () => {
    const clock = manualClock();
    const mw = createRouterRateLimit(testEndpoint('/x', { [NS]: { client_max_rate: 3, strategy: 'ip' } }), testDeps({}, { GATEWAY_TRUSTED_PROXIES: '10.0.0.0/8' }), {
      clock: clock.now,
    });
    const s = await serve({ '/x': mw });
    const res = await burst(`${s.url}/x`, 10, (i) => xff(`198.51.100.${i + 1}`));
    expect(statuses(res)).toEqual({ 200: 3, 429: 7 }); // all are 127.0.0.1
  });

  it('strategy ip with key: that header is walked instead of X-Forwarded-For', async () => {
    const clock = manualClock();
    const mw = createRouterRateLimit(testEndpoint('/x', { [NS]: { client_max_rate: 1, strategy: 'ip', key: 'X-Original-Forwarded-For' } }), testDeps(), {
      clock: clock.now,
    });
    const s = await serve({ '/x': mw });
    const h = (ip: string) => ({ 'X-Original-Forwarded-For': ip, 'X-Forwarded-For': '203.0.113.77' });
    expect((await request(`${s.url}/x`, { headers: h('203.0.113.1') })).status).toBe(200);
    expect((await request(`${s.url}/x`, { headers: h('203.0.113.2') })).status).toBe(200);
    expect((await request(`${s.url}/x`, { headers: h('203.0.113.1') })).status).toBe(429);
  });

  it('strategy header keys on the header value; a request without it is refused (KrakenD: empty key → 429)', async () => {
    const clock = manualClock();
    const mw = createRouterRateLimit(testEndpoint('/x', { [NS]: { client_max_rate: 2, strategy: 'header', key: 'X-Tenant' } }), testDeps(), { clock: clock.now });
    const s = await serve({ '/x': mw });
    expect(statuses(await burst(`${s.url}/x`, 5, () => ({ 'X-Tenant': 'acme' })))).toEqual({ 200: 2, 429: 3 });
    expect(statuses(await burst(`${s.url}/x`, 5, () => ({ 'x-tenant': 'globex' })))).toEqual({ 200: 2, 429: 3 });
    // Same IP, different tenant: the IP does not matter.
    expect((await request(`${s.url}/x`, { headers: { 'X-Tenant': 'initech' } })).status).toBe(200);
    const anonymous = await request(`${s.url}/x`);
    expect(anonymous.status).toBe(429);
    expect(anonymous.body).toBe('{"message":"rate limit exceeded"}');
    expect(anonymous.headers['retry-after']).toBeUndefined(); // waiting would not help
  });

  it('strategy header: long values (bearer tokens) are buckets too, distinct per value', async () => {
    const clock = manualClock();
    const mw = createRouterRateLimit(testEndpoint('/x', { [NS]: { client_max_rate: 1, strategy: 'header', key: 'Authorization' } }), testDeps(), {
      clock: clock.now,
    });
    const s = await serve({ '/x': mw });
    const token = (c: string) => ({ Authorization: `Bearer ${c.repeat(200)}` });
    expect((await request(`${s.url}/x`, { headers: token('a') })).status).toBe(200);
    expect((await request(`${s.url}/x`, { headers: token('b') })).status).toBe(200);
    expect((await request(`${s.url}/x`, { headers: token('a') })).status).toBe(429);
  });

  it('strategy param keys on the route parameter', async () => {
    const clock = manualClock();
    const mw = createRouterRateLimit(testEndpoint('/users/{id_user}', { [NS]: { client_max_rate: 1, strategy: 'param', key: 'id_user' } }), testDeps(), {
      clock: clock.now,
    });
    const s = await serve({ '/users': mw });
    expect((await request(`${s.url}/users/1`)).status).toBe(200);
    expect((await request(`${s.url}/users/2`)).status).toBe(200);
    expect((await request(`${s.url}/users/1`)).status).toBe(429);
  });

  // The warning KrakenD logs at start-up is a check finding here (test/lint/module-settings.test.ts).
  it('an unknown or missing strategy disables the client limit, as KrakenD does', async () => {
    const deps = testDeps();
    const mw = createRouterRateLimit(testEndpoint('/x', { [NS]: { client_max_rate: 1 } }), deps);
    const s = await serve({ '/x': mw });
    expect(statuses(await burst(`${s.url}/x`, 5))).toEqual({ 200: 5 });
  });

  it('client and global limits both apply; a client refused for its own quota uses none of the global one', async () => {
    const clock = manualClock();
    const mw = createRouterRateLimit(testEndpoint('/x', { [NS]: { max_rate: 5, client_max_rate: 3, strategy: 'ip' } }), testDeps(), { clock: clock.now });
    const s = await serve({ '/x': mw });
    expect(statuses(await burst(`${s.url}/x`, 10, () => xff('203.0.113.1')))).toEqual({ 200: 3, 429: 7 });
    expect(statuses(await burst(`${s.url}/x`, 10, () => xff('203.0.113.2')))).toEqual({ 200: 2, 429: 8 }); // global has 2 left
    const limited = await request(`${s.url}/x`, { headers: xff('203.0.113.3') });
    expect([limited.status, limited.headers['retry-after']]).toEqual([429, '1']);
  });
});

describe('service-level qos/ratelimit/router', () => {
  it('endpoints without their own config share one service bucket; an endpoint with its own uses that', async () => {
    const clock = manualClock();
    const deps = testDeps({ [NS]: { max_rate: 4 } });
    const a = createRouterRateLimit(testEndpoint('/a'), deps, { clock: clock.now });
    const b = createRouterRateLimit(testEndpoint('/b'), deps, { clock: clock.now });
    const own = createRouterRateLimit(testEndpoint('/own', { [NS]: { max_rate: 2 } }), deps, { clock: clock.now });
    const s = await serve({ '/a': a, '/b': b, '/own': own });
    expect(statuses(await burst(`${s.url}/a`, 3))).toEqual({ 200: 3 });
    expect(statuses(await burst(`${s.url}/b`, 3))).toEqual({ 200: 1, 429: 2 }); // 4 for /a and /b together
    expect(statuses(await burst(`${s.url}/own`, 3))).toEqual({ 200: 2, 429: 1 });
  });

  it('an endpoint whose own config limits nothing is not limited by the service config', async () => {
    const deps = testDeps({ [NS]: { max_rate: 1 } });
    const s = await serve({ '/x': routerRateLimit(testEndpoint('/x', { [NS]: { max_rate: 0 } }), deps) });
    expect(statuses(await burst(`${s.url}/x`, 5))).toEqual({ 200: 5 });
  });

  it('the shared per-client buckets recognise clients per endpoint (param strategy)', async () => {
    const clock = manualClock();
    const deps = testDeps({ [NS]: { client_max_rate: 1, strategy: 'param', key: 'id' } });
    const users = createRouterRateLimit(testEndpoint('/users/{id}'), deps, { clock: clock.now });
    const orgs = createRouterRateLimit(testEndpoint('/orgs/{id}'), deps, { clock: clock.now });
    const s = await serve({ '/users': users, '/orgs': orgs });
    expect((await request(`${s.url}/users/7`)).status).toBe(200);
    expect((await request(`${s.url}/orgs/7`)).status).toBe(429); // same id, same shared bucket
    expect((await request(`${s.url}/orgs/8`)).status).toBe(200);
  });

  it('no config anywhere: requests pass untouched', async () => {
    const s = await serve({ '/x': routerRateLimit(testEndpoint('/x'), testDeps()) });
    expect(statuses(await burst(`${s.url}/x`, 20))).toEqual({ 200: 20 });
  });
});
