/**
 * Cluster-wide limits (hgw's `store`): gateways sharing one real redis-server
 * admit the limit together — two limiter instances in this process with
 * their own connections, and two separate node processes — and keep answering
 * from their own buckets, without delay, when Redis stops or stalls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Redis } from 'ioredis';
import { createRouterRateLimit } from '../../../../runtime/qos/ratelimit/router-rate-limit.js';
import { DEFAULT_COMMAND_TIMEOUT_MS, RedisBucketStore } from '../../../../runtime/qos/ratelimit/redis-bucket-store.js';
import { bucketLimits } from '../../../../runtime/qos/ratelimit/token-bucket.js';
import { acquireRedisBucketStore } from '../../../../runtime/qos/ratelimit/shared-redis-bucket-stores.js';
import { createProxyRateLimit, PROXY_RATE_LIMIT_ERROR } from '../../../../runtime/qos/ratelimit/proxy-rate-limit.js';
import { proxyRateLimitWithRedis } from '../../../../runtime/qos/ratelimit/redis-rate-limits.js';
import type { BackendPlan } from '../../../../runtime/plan/plan.js';
import type { Upstream, UpstreamDeps } from '../../../../runtime/shared/upstream/upstream.js';
import { respondJson } from '../../../../runtime/shared/upstream/synthetic-response.js';
import { BufferedCall } from '../../../../runtime/core/buffered-call.js';
import { createLogger } from '../../../../runtime/shared/log/logger.js';
import { request, type TestResponse } from '../../../helpers/servers.js';
import { spawnWatched, type Spawned } from '../../../helpers/processes.js';
import { startRedis, type TestRedis } from '../../../helpers/redis.js';
import { levelSettings } from '../../../../cli/plan/module-settings.js';
import { serveLimited, statuses, testDeps, testEndpoint, type Served } from './serve-rate-limit.js';

const NS = 'qos/ratelimit/router';
let redis: TestRedis;
const cleanup: Array<() => unknown> = [];

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  await redis?.stop();
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A store with its own connection (one "gateway"), once it is connected and
 * has the script loaded. Counting tests give Redis more than the default
 * 50 ms: this process runs the clients, both "gateways" and their bursts on
 * one event loop, and a stalled loop would otherwise fall back to local
 * buckets (correctly, but not what those tests are about).
 */
async function connectedStore(url: string, logLines: string[], commandTimeoutMs = 500): Promise<RedisBucketStore> {
  const store = new RedisBucketStore(url, createLogger({ level: 'DEBUG', write: (l) => logLines.push(l) }), { probeIntervalMs: 100, commandTimeoutMs });
  cleanup.push(() => store.close());
  await waitFor(() => store.usable);
  await store.take('warm-up', bucketLimits(1, 1));
  return store;
}

/**
 * How each later `take` of `store` was decided: 'local' when the store
 * answered at once without Redis (unusable), else 'redis: took' / 'redis: gave up'
 * once the Redis call settles.
 */
function recordTakes(store: RedisBucketStore): string[] {
  const seen: string[] = [];
  const take = store.take.bind(store);
  store.take = (key, limits) => {
    const answer = take(key, limits);
    if (answer === undefined) seen.push('local');
    else {
      const i = seen.push('redis') - 1;
      void answer.then((wait) => (seen[i] = wait === undefined ? 'redis: gave up' : 'redis: took'));
    }
    return answer;
  };
  return seen;
}

interface Gateway {
  server: Served;
  store: RedisBucketStore;
  logLines: string[];
}

/** One "gateway": its own store connection and HTTP server, the endpoint limited by `config` through `url`. */
async function gateway(url: string, path: string, config: Record<string, unknown>, commandTimeoutMs?: number): Promise<Gateway> {
  const deps = testDeps();
  const store = await connectedStore(url, deps.logLines, commandTimeoutMs);
  const mw = createRouterRateLimit(testEndpoint(path, { [NS]: { ...config, store: url } }), deps, { redisStore: () => store });
  const server = await serveLimited({ [path]: mw });
  cleanup.push(() => server.close());
  return { server, store, logLines: deps.logLines };
}

/** `n` requests at once, alternating between the gateways. */
function spread(urls: string[], n: number, headers: Record<string, string> = {}): Promise<TestResponse[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => request(urls[i % urls.length]!, { headers })));
}

describe('one limit across gateways (Redis)', () => {
  it('two limiter instances with separate connections admit max_rate 20 together (100 requests → 20 ± 1)', async () => {
    const config = { max_rate: 20, capacity: 20, every: '1h' };
    const a = await gateway(redis.url, '/shared-global', config);
    const b = await gateway(redis.url, '/shared-global', config);
    const res = await spread([`${a.server.url}/shared-global`, `${b.server.url}/shared-global`], 100);
    const passed = res.filter((r) => r.status === 200).length;
    expect(passed).toBeGreaterThanOrEqual(19);
    expect(passed).toBeLessThanOrEqual(21);
    expect(a.server.reached()).toBeGreaterThan(0);
    expect(b.server.reached()).toBeGreaterThan(0);
    const limited = res.find((r) => r.status === 429)!;
    expect(limited.body).toBe('{"message":"rate limit exceeded"}');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('per-client buckets are shared too: each client gets client_max_rate across both gateways', async () => {
    const config = { client_max_rate: 3, client_capacity: 3, every: '1h', strategy: 'header', key: 'X-Client' };
    const a = await gateway(redis.url, '/shared-client', config);
    const b = await gateway(redis.url, '/shared-client', config);
    const urls = [`${a.server.url}/shared-client`, `${b.server.url}/shared-client`];
    expect(statuses(await spread(urls, 10, { 'X-Client': 'alice' }))).toEqual({ 200: 3, 429: 7 });
    expect(statuses(await spread(urls, 10, { 'X-Client': 'bob' }))).toEqual({ 200: 3, 429: 7 });
  });

  it('bucket keys carry a TTL of their refill time, so idle ones vanish from Redis', async () => {
    const probe = new Redis(redis.url);
    cleanup.push(() => probe.disconnect());
    // One token at 10 per hour refills in 6 minutes: the key's TTL, read right after, is that (less the moments gone by).
    const slow = await gateway(redis.url, '/ttl-slow', { max_rate: 10, capacity: 10, every: '1h' });
    expect((await request(`${slow.server.url}/ttl-slow`)).status).toBe(200);
    const ttl = await probe.pttl('hgw:rl:GET /ttl-slow:g');
    expect(ttl).toBeGreaterThan(300_000);
    expect(ttl).toBeLessThanOrEqual(360_000);
    // One token at 10/s refills in 100 ms: Redis itself reports the key expiring (keyspace events), which only a key with a TTL does.
    await probe.config('SET', 'notify-keyspace-events', 'Ex');
    const events = new Redis(redis.url);
    cleanup.push(() => events.disconnect());
    await events.subscribe('__keyevent@0__:expired');
    const expired = new Promise<void>((resolve) => events.on('message', (_channel: string, key: string) => key === 'hgw:rl:GET /ttl:g' && resolve()));
    const a = await gateway(redis.url, '/ttl', { max_rate: 10, capacity: 10 });
    expect((await request(`${a.server.url}/ttl`)).status).toBe(200);
    const poke = setInterval(() => void probe.exists('hgw:rl:GET /ttl:g'), 50); // an access expires a due key at once
    await expired.finally(() => clearInterval(poke));
    expect(await probe.exists('hgw:rl:GET /ttl:g')).toBe(0);
  });

  it('two gateway processes sharing one redis-server admit the limit together', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hgw-ratelimit-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const script = join(dir, 'limited-gateway.mjs');
    await build({
      entryPoints: [fileURLToPath(new URL('./fixtures/limited-gateway.ts', import.meta.url))],
      outfile: script,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      banner: { js: "import { createRequire as __hgwRequire } from 'node:module'; const require = __hgwRequire(import.meta.url);" },
      logLevel: 'silent',
    });
    const config = JSON.stringify({ max_rate: 15, capacity: 15, every: '1h', store: redis.url });
    const processes: Spawned[] = [];
    const urls: string[] = [];
    for (let i = 0; i < 2; i++) {
      const p = spawnWatched(process.execPath, [script, config], { PATH: process.env.PATH ?? '' });
      processes.push(p);
      cleanup.push(() => p.child.kill('SIGKILL'));
      const port = (await p.waitFor(/listening on port (\d+)/))[1];
      // Usable: connected at once, or (a first command timed out on a loaded machine) reachable again.
      await p.waitFor(/\[Ratelimit\] store \S+ (connected|reachable again)/);
      urls.push(`http://127.0.0.1:${port}/limited`);
    }
    const passed = (await spread(urls, 60)).filter((r) => r.status === 200).length;
    expect(passed).toBeGreaterThanOrEqual(14);
    expect(passed).toBeLessThanOrEqual(16);
  });
});

describe('the proxy limit through Redis', () => {
  it('two gateways\' stages for the same backend share its bucket; one connection per URL in a process, closed by the last stage', async () => {
    const logLines: string[] = [];
    const deps = { log: createLogger({ level: 'DEBUG', write: (l) => logLines.push(l) }) } as unknown as UpstreamDeps;
    // Hold the process-wide store until it is connected, so the stages find it ready.
    const held = acquireRedisBucketStore(redis.url, deps.log);
    await waitFor(() => held.store.usable);
    let reached = 0;
    const inner = (): Upstream => ({ dispatch: (_r, h) => (reached++, respondJson(h, 200, '{}')), close: async () => {} });
    const extraConfig = { 'qos/ratelimit/proxy': { max_rate: 4, capacity: 4, every: '1h', store: redis.url } };
    const plan = { index: 0, urlPattern: '/p', method: 'GET', hosts: ['http://backend'], extraConfig, settings: levelSettings('backend', extraConfig) };
    const stageA = proxyRateLimitWithRedis(plan as unknown as BackendPlan, deps, inner());
    const ownStore = await connectedStore(redis.url, logLines);
    const stageB = createProxyRateLimit(plan as unknown as BackendPlan, deps, inner(), { redisStore: () => ownStore });
    const call = (u: Upstream) => new Promise<string>((resolve) => u.dispatch({ method: 'GET', path: '/p', headers: [], body: null }, new BufferedCall(0, (err) => resolve(err ? err.message : 'ok'))));
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => call(i % 2 === 0 ? stageA : stageB)));
    expect(results.filter((r) => r === 'ok')).toHaveLength(4);
    expect(results.filter((r) => r === PROXY_RATE_LIMIT_ERROR)).toHaveLength(6);
    expect(reached).toBe(4);
    held.release();
    expect(held.store.usable).toBe(true); // stage A still uses it
    await stageA.close();
    expect(held.store.usable).toBe(false);
    await stageB.close();
  });
});

describe('when Redis goes away', () => {
  it('Redis stopped mid-test: requests are still answered at once from each gateway\'s own buckets, and the log says so; recovery is logged too', async () => {
    const own = await startRedis();
    cleanup.push(() => own.stop());
    const config = { max_rate: 5, capacity: 5, every: '1h' };
    const a = await gateway(own.url, '/outage', config);
    const b = await gateway(own.url, '/outage', config);
    const [urlA, urlB] = [`${a.server.url}/outage`, `${b.server.url}/outage`];
    // Shared: 3 through A and 2 through B use up the 5.
    for (let i = 0; i < 3; i++) expect((await request(urlA)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await request(urlB)).status).toBe(200);
    expect((await request(urlA)).status).toBe(429);

    await own.stop();
    await waitFor(() => a.logLines.join('').includes('unreachable') && !a.store.usable && !b.store.usable);
    // Each gateway goes on from its own recent traffic: A had let 3 through, B 2 — each decided at once, locally (no Redis call).
    const [takesA, takesB] = [recordTakes(a.store), recordTakes(b.store)];
    const fromA = [await request(urlA), await request(urlA), await request(urlA)];
    expect(fromA.map((r) => r.status)).toEqual([200, 200, 429]);
    const fromB = [await request(urlB), await request(urlB), await request(urlB), await request(urlB)];
    expect(fromB.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect([takesA, takesB]).toEqual([Array(3).fill('local'), Array(4).fill('local')]);
    expect(a.logLines.join('')).toMatch(/WARNING \[Ratelimit\] store redis:\/\/127\.0\.0\.1:\d+\/0 unreachable \(.*\): using this gateway's own buckets until it is back/);
    expect(a.logLines.join('').match(/unreachable/g)).toHaveLength(1); // once, not per request

    await own.start();
    await waitFor(() => a.store.usable && b.store.usable, 15_000);
    expect(a.logLines.join('')).toMatch(/INFO \[Ratelimit\] store redis:\/\/127\.0\.0\.1:\d+\/0 reachable again: limits are shared across gateways/);
    // A fresh Redis: the shared bucket is full again.
    expect((await request(urlB)).status).toBe(200);
  });

  it('a stalled Redis (CLIENT PAUSE) costs a request one command timeout, not the stall; then the local buckets decide until it answers again', async () => {
    const own = await startRedis();
    cleanup.push(() => own.stop());
    const a = await gateway(own.url, '/stall', { max_rate: 100, every: '1s' }, DEFAULT_COMMAND_TIMEOUT_MS);
    const url = `${a.server.url}/stall`;
    expect((await request(url)).status).toBe(200);
    const admin = new Redis(own.url);
    cleanup.push(() => admin.disconnect());
    const takes = recordTakes(a.store);
    await admin.call('CLIENT', 'PAUSE', '3000', 'ALL');
    // Order, not time: a command sent before the request is answered only when the stall ends; the gateway answers first.
    let stallEnded = false;
    void admin.ping().then(() => (stallEnded = true));
    const res = await request(url);
    expect([res.status, stallEnded]).toEqual([200, false]);
    expect(a.logLines.join('')).toMatch(/unreachable \(Command timed out\)/);
    // While degraded, requests do not wait for Redis at all: the bucket is taken locally, with no Redis call.
    expect((await request(url)).status).toBe(200);
    expect([takes, stallEnded]).toEqual([['redis: gave up', 'local'], false]);
    await waitFor(() => a.store.usable, 10_000);
    expect(a.logLines.join('')).toMatch(/reachable again/);
  });

  it('Redis unreachable from the start: the limit is enforced locally and the log says so once', async () => {
    const deps = testDeps();
    const store = new RedisBucketStore('redis://127.0.0.1:1/0', deps.log, { probeIntervalMs: 100 });
    cleanup.push(() => store.close());
    await waitFor(() => deps.logLines.join('').includes('unreachable'));
    const mw = createRouterRateLimit(testEndpoint('/down', { [NS]: { max_rate: 2, store: 'redis://127.0.0.1:1/0' } }), deps, { redisStore: () => store });
    const server = await serveLimited({ '/down': mw });
    cleanup.push(() => server.close());
    const res = await spread([`${server.url}/down`], 5);
    expect(statuses(res)).toEqual({ 200: 2, 429: 3 });
    expect(deps.logLines.join('').match(/unreachable/g)).toHaveLength(1);
  });

  // The warning is a check finding (test/lint/module-settings.test.ts).
  it('a store that is not a Redis URL is ignored; the limit stays local', async () => {
    const deps = testDeps();
    const mw = createRouterRateLimit(testEndpoint('/memory', { [NS]: { max_rate: 1, store: 'memcached://x' } }), deps);
    const server = await serveLimited({ '/memory': mw });
    cleanup.push(() => server.close());
    expect(statuses(await spread([`${server.url}/memory`], 3))).toEqual({ 200: 1, 429: 2 });
  });
});
