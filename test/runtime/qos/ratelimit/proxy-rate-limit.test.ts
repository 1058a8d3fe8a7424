/** qos/ratelimit/proxy as a backend stage in front of the real http upstream and a real backend. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendPlan, ServicePlan } from '../../../../runtime/plan/plan.js';
import type { Upstream, UpstreamDeps } from '../../../../runtime/shared/upstream/upstream.js';
import { BufferedCall, type BufferedResponse } from '../../../../runtime/core/buffered-call.js';
import { createLogger } from '../../../../runtime/shared/log/logger.js';
import { httpUpstream } from '../../../../runtime/upstream/http/http-upstream.js';
import { UpstreamPools } from '../../../../runtime/upstream/http/pools.js';
import { createProxyRateLimit, PROXY_RATE_LIMIT_ERROR, proxyRateLimit } from '../../../../runtime/qos/ratelimit/proxy-rate-limit.js';
import { startServer, type TestServer } from '../../../helpers/servers.js';
import { manualClock } from './serve-rate-limit.js';
import { levelSettings } from '../../../../cli/plan/module-settings.js';

let backend: TestServer;
let hits = 0;
let pools: UpstreamPools;
let deps: UpstreamDeps;
const logLines: string[] = [];

beforeAll(async () => {
  backend = await startServer((_req, res) => {
    hits++;
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
  });
  pools = new UpstreamPools({ idleConnectionTimeoutMs: 0, responseHeaderTimeoutMs: 0, dialerTimeoutMs: 0, dialerKeepAliveMs: 0 } as ServicePlan['client']);
  deps = { pools, hostMap: {}, log: createLogger({ level: 'DEBUG', write: (l) => logLines.push(l) }), disableCompression: true };
});

afterAll(async () => {
  await pools.close();
  await backend.close();
});

function backendPlan(extraConfig: Record<string, unknown>): BackendPlan {
  return { index: 0, urlPattern: '/x', method: 'GET', hosts: [backend.url], extraConfig, settings: levelSettings('backend', extraConfig) } as unknown as BackendPlan;
}

function call(upstream: Upstream): Promise<{ err: Error | null; res: BufferedResponse | null }> {
  return new Promise((resolve) => upstream.dispatch({ method: 'GET', path: '/x', headers: [], body: null }, new BufferedCall(0, (err, res) => resolve({ err, res }))));
}

describe('proxy rate limit', () => {
  it('max_rate 10 capacity 10: of 30 calls at once 10 reach the backend, 20 fail with KrakenD\'s error', async () => {
    const clock = manualClock();
    const plan = backendPlan({ 'qos/ratelimit/proxy': { max_rate: 10, capacity: 10 } });
    const upstream = createProxyRateLimit(plan, deps, httpUpstream(plan, deps), { clock: clock.now });
    hits = 0;
    const results = await Promise.all(Array.from({ length: 30 }, () => call(upstream)));
    expect(results.filter((r) => r.res?.status === 200)).toHaveLength(10);
    const errors = results.filter((r) => r.err !== null).map((r) => r.err!.message);
    expect(errors).toEqual(Array(20).fill(PROXY_RATE_LIMIT_ERROR));
    expect(hits).toBe(10);
    clock.advance(200);
    const later = await Promise.all(Array.from({ length: 3 }, () => call(upstream)));
    expect(later.filter((r) => r.res?.status === 200)).toHaveLength(2);
  });

  it('every stretches the window (1 per 2s: a call every 2 s); windows under a second are kept', async () => {
    const clock = manualClock();
    const slow = backendPlan({ 'qos/ratelimit/proxy': { max_rate: 1, capacity: 1, every: '2s' } });
    const upstream = createProxyRateLimit(slow, deps, httpUpstream(slow, deps), { clock: clock.now });
    expect((await call(upstream)).err).toBeNull();
    clock.advance(1500);
    expect((await call(upstream)).err?.message).toBe(PROXY_RATE_LIMIT_ERROR);
    clock.advance(500);
    expect((await call(upstream)).err).toBeNull();

    const fast = backendPlan({ 'qos/ratelimit/proxy': { max_rate: 1, capacity: 1, every: '100ms' } });
    const quick = createProxyRateLimit(fast, deps, httpUpstream(fast, deps), { clock: clock.now });
    expect((await call(quick)).err).toBeNull();
    clock.advance(100);
    expect((await call(quick)).err).toBeNull();
  });

  it('without a positive max_rate the stage is the upstream itself', () => {
    const next = httpUpstream(backendPlan({}), deps);
    expect(proxyRateLimit(backendPlan({ 'qos/ratelimit/proxy': { max_rate: 0, capacity: 1 } }), deps, next)).toBe(next);
    expect(proxyRateLimit(backendPlan({}), deps, next)).toBe(next);
  });

  it('delegates ready and close to the stage inside it', async () => {
    let closed = false;
    const ready = Promise.resolve();
    const inner: Upstream = { dispatch: () => {}, ready, close: async () => void (closed = true) };
    const stage = proxyRateLimit(backendPlan({ 'qos/ratelimit/proxy': { max_rate: 1, capacity: 1 } }), deps, inner);
    expect(stage).not.toBe(inner);
    expect(stage.ready).toBe(ready);
    await stage.close();
    expect(closed).toBe(true);
  });
});
