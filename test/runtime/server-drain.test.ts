import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from 'node:http';
import { base } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { gatedBackend, request } from '../helpers/servers.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('draining', () => {
  it('lets a running request finish, answers a new request on a kept-alive connection 503 + Connection: close', async () => {
    const be = await gatedBackend();
    cleanups.push(() => be.close());
    const gw = await startRuntime(base([
      { endpoint: '/slow', output_encoding: 'no-op', backend: [{ url_pattern: '/slow', host: [be.url] }] },
      { endpoint: '/fast', output_encoding: 'no-op', backend: [{ url_pattern: '/fast', host: [be.url] }] },
    ]));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(async () => agent.destroy());
    // Open a kept-alive connection first.
    expect((await request(`${gw.url}/fast`, { agent })).status).toBe(200);

    const slow = request(`${gw.url}/slow`);
    await be.arrived;
    const drained = gw.close();
    const meanwhile = await request(`${gw.url}/fast`, { agent });
    expect(meanwhile.status).toBe(503);
    expect(meanwhile.headers.connection).toBe('close');
    be.release();
    const finished = await slow;
    expect([finished.status, finished.body]).toEqual([200, 'slow done']);
    await drained;
    await expect(request(`${gw.url}/fast`)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('readiness and leaving', () => {
  it('/readyz turns 503 the moment close() is called, /healthz stays 200, and the listener serves through the drain delay', async () => {
    const be = await gatedBackend();
    cleanups.push(() => be.close());
    const gw = await startRuntime(base([{ endpoint: '/fast', output_encoding: 'no-op', backend: [{ url_pattern: '/fast', host: [be.url] }] }]), { drainDelayMs: 400 });
    expect(JSON.parse((await request(`${gw.url}/readyz`)).body)).toEqual({ status: 'ready', service: 'gateway' });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(async () => agent.destroy());
    expect((await request(`${gw.url}/fast`, { agent })).headers.connection).toBe('keep-alive');

    const closed = gw.close();
    // Synchronous: no request that starts after close() can still see "ready".
    expect(gw.readiness.isReady()).toBe(false);
    const ready = await request(`${gw.url}/readyz`);
    expect([ready.status, JSON.parse(ready.body)]).toEqual([503, { status: 'not ready', service: 'gateway', reasons: ['draining'] }]);
    expect(ready.headers['cache-control']).toBe('no-store');
    expect((await request(`${gw.url}/healthz`)).status).toBe(200);
    // Still serving, on a kept-alive connection too, which is told to close so the client moves on.
    const during = await request(`${gw.url}/fast`, { agent });
    expect([during.status, during.headers.connection]).toEqual([200, 'close']);
    expect((await request(`${gw.url}/fast`)).status).toBe(200);
    await closed;
    await expect(request(`${gw.url}/fast`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('answers probes before middleware and routes: a gate that refuses everything does not refuse them', async () => {
    const gw = await startRuntime(base([], { extra_config: { 'security/http': { allowed_hosts: ['only.example'] } } }));
    cleanups.push(() => gw.close());
    expect((await request(`${gw.url}/readyz`)).status).toBe(200);
    expect((await request(`${gw.url}/healthz?verbose`)).status).toBe(200);
    expect((await request(`${gw.url}/__health`)).status).not.toBe(200);
  });
});
