/**
 * Test plumbing: endpoint middleware in front of a trivial handler on a real
 * node:http server (127.0.0.1), deps with a captured log, and a hand-moved
 * clock so bursts and refills need no sleeping.
 */
import type { EndpointMiddleware, MiddlewareDeps } from '../../../../runtime/core/middleware.js';
import type { EndpointPlan, ServicePlan } from '../../../../runtime/plan/plan.js';
import { branding } from '../../../../runtime/shared/branding.js';
import { createLogger } from '../../../../runtime/shared/log/logger.js';
import { levelSettings } from '../../../../cli/plan/module-settings.js';
import { request, startServer, type TestResponse, type TestServer } from '../../../helpers/servers.js';

export const brand = branding({ name: 'hanzoai/gateway', version: '2.13.8' }, false);

export interface TestDeps extends MiddlewareDeps {
  logLines: string[];
}

export function testDeps(serviceExtraConfig: Record<string, unknown> = {}, env: Record<string, string> = {}): TestDeps {
  const logLines: string[] = [];
  return {
    service: { extraConfig: serviceExtraConfig, settings: levelSettings('service', serviceExtraConfig) } as unknown as ServicePlan,
    brand,
    hostMap: {},
    log: createLogger({ level: 'DEBUG', write: (l) => logLines.push(l) }),
    env,
    logLines,
  };
}

export function testEndpoint(path: string, extraConfig: Record<string, unknown> = {}, method = 'GET'): EndpointPlan {
  const params = [...path.matchAll(/\{([A-Za-z0-9_-]+)\}/g)].map((m) => m[1]!);
  return { endpoint: path, method, params, extraConfig, settings: levelSettings('endpoint', extraConfig) } as unknown as EndpointPlan;
}

/** A clock that only moves when told to. */
export function manualClock(start = 1_000): { now: () => number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

export interface Served extends TestServer {
  reached(): number;
}

/**
 * Each path maps to the middleware for it; a request that gets through is
 * answered 200 `ok`. Route params are the path segments after the first.
 */
export async function serveLimited(routes: Record<string, EndpointMiddleware>): Promise<Served> {
  let reached = 0;
  const server = await startServer((req, res) => {
    const segments = (req.url ?? '/').split('?')[0]!.split('/').filter(Boolean);
    const mw = routes[`/${segments[0] ?? ''}`];
    if (!mw) return void res.writeHead(404).end();
    mw(req, res, segments.slice(1), () => {
      reached++;
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    });
  });
  return { ...server, reached: () => reached };
}

/** `n` requests at once; resolves with every response. */
export function burst(url: string, n: number, headers: (i: number) => Record<string, string> = () => ({})): Promise<TestResponse[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => request(url, { headers: headers(i) })));
}

export function statuses(responses: TestResponse[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const r of responses) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}
