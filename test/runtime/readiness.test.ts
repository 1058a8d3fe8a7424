import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestListener } from '../../runtime/core/gateway.js';
import { Readiness } from '../../runtime/core/readiness.js';
import { branding } from '../../runtime/shared/branding.js';
import { createLogger } from '../../runtime/shared/log/logger.js';
import { planOf, base } from '../helpers/check.js';
import { request } from '../helpers/servers.js';

/**
 * Readiness (issue 21): the gateway is ready once every upstream's source has
 * settled, and `/__health` says 503 — same body shape — until then.
 */
function deferred(): { promise: Promise<void>; resolve(): void; reject(e: Error): void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

describe('Readiness', () => {
  it('is ready only when every tracked source has settled; a rejected source counts as settled', async () => {
    const a = deferred();
    const b = deferred();
    const r = new Readiness();
    let resolved = false;
    const tracked = r.track('upstreams', [a.promise, undefined, b.promise]);
    void tracked.then(() => (resolved = true));
    expect([r.isReady(), r.why()]).toEqual([false, ['upstreams']]);
    a.resolve();
    await a.promise;
    await Promise.resolve();
    expect([r.isReady(), resolved]).toEqual([false, false]);
    b.reject(new Error('gave up'));
    await tracked;
    expect([r.isReady(), resolved]).toEqual([true, true]);
  });

  it('with no sources is ready at once; other reasons (draining) hold it back too', async () => {
    const r = new Readiness();
    await r.track('upstreams', [undefined]);
    expect(r.isReady()).toBe(true);
    r.setNotReady('draining');
    expect([r.isReady(), r.why()]).toEqual([false, ['draining']]);
  });
});

describe('/__health and readiness', () => {
  it('answers 503 {"agents":{},"now":…,"status":"unavailable"} until the sources settle, then 200 "ok"', async () => {
    const plan = planOf(base([{ endpoint: '/x', backend: [{ url_pattern: '/x' }] }]));
    const source = deferred();
    const readiness = new Readiness();
    const tracked = readiness.track('upstreams', [source.promise]);
    const listener = createRequestListener(plan.service, branding({ name: 'hanzoai/gateway', version: '2.13.8' }, false), [], {
      debug: false,
      log: createLogger({ write: () => {} }),
      readiness,
    });
    server = createServer(listener);
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/__health`;
    const shape = /^\{"agents":\{\},"now":"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC","status":"(\w+)"\}$/;
    const before = await request(url);
    expect([before.status, before.headers['content-type'], before.body.match(shape)?.[2]]).toEqual([503, 'application/json; charset=utf-8', 'unavailable']);
    source.resolve();
    await tracked;
    const after = await request(url);
    expect([after.status, after.body.match(shape)?.[2]]).toEqual([200, 'ok']);
  });
});
