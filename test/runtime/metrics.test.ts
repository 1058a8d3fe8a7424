import { afterEach, describe, expect, it } from 'vitest';
import { base } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { request, startServer } from '../helpers/servers.js';

/**
 * `telemetry/metrics`: krakend-metrics' `/__stats/` on its own listener, with
 * router, pipe and backend numbers named as KrakenD names them, recorded
 * from real requests through real backends.
 */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('telemetry/metrics', () => {
  it('serves /__stats/ with router, pipe and backend metrics for what happened', async () => {
    const be = await startServer((req, res) => {
      if (req.url === '/down') res.writeHead(503).end();
      else res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
    });
    cleanups.push(() => be.close());
    const gw = await startRuntime(
      base(
        [
          { endpoint: '/a', backend: [{ url_pattern: '/a', host: [be.url] }] },
          { endpoint: '/b', backend: [{ url_pattern: '/down', host: [be.url] }] },
        ],
        { extra_config: { 'telemetry/metrics': { listen_address: '127.0.0.1:0', collection_time: '60s' } } },
      ),
    );
    cleanups.push(() => gw.close());
    await request(`${gw.url}/a`);
    await request(`${gw.url}/a`);
    await request(`${gw.url}/b`);
    const port = Number(/\/__stats\/ on port (\d+)/.exec(gw.logs.join('\n'))?.[1]);
    expect(port).toBeGreaterThan(0);
    const res = await request(`http://127.0.0.1:${port}/__stats/`);
    expect(res.status).toBe(200);
    const stats = JSON.parse(res.body) as Record<string, { count?: number; max?: number; value?: number }>;
    expect(stats['krakend.router.response./a.status.200']?.count).toBe(2);
    expect(stats['krakend.router.response./b.status.500']?.count).toBe(1);
    expect(stats['krakend.router.response./a.time']?.count).toBe(2);
    expect(stats['krakend.router.response./a.time']!.max).toBeGreaterThan(0);
    // The backend's {"ok":true} rendered back: 11 bytes each.
    expect(stats['krakend.router.response./a.size']).toMatchObject({ count: 2, max: 11 });
    expect(stats['krakend.proxy.requests.layer.pipe.name./a.complete.true.error.false']?.count).toBe(2);
    expect(stats['krakend.proxy.requests.layer.backend.name./down.complete.false.error.true']?.count).toBe(1);
    expect(stats['krakend.proxy.latency.layer.backend.name./a.complete.true.error.false']?.count).toBe(2);
    expect(stats['krakend.service.debug.MemStats.Sys']?.value).toBeGreaterThan(0);
    expect((await request(`http://127.0.0.1:${port}/other`)).status).toBe(404);
  });

  // The registry is per process, as go-metrics' is: this gateway's endpoint has its own name.
  it('leaves out the layers switched off', async () => {
    const be = await startServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}'));
    cleanups.push(() => be.close());
    const gw = await startRuntime(
      base([{ endpoint: '/c', backend: [{ url_pattern: '/c', host: [be.url] }] }], {
        extra_config: { 'telemetry/metrics': { listen_address: '127.0.0.1:0', router_disabled: true, backend_disabled: true } },
      }),
    );
    cleanups.push(() => gw.close());
    await request(`${gw.url}/c`);
    const port = Number(/\/__stats\/ on port (\d+)/.exec(gw.logs.join('\n'))?.[1]);
    const names = Object.keys(JSON.parse((await request(`http://127.0.0.1:${port}/__stats/`)).body) as object);
    expect(names.some((n) => n.includes('layer.pipe.name./c'))).toBe(true);
    expect(names.some((n) => n.startsWith('krakend.router.response./c'))).toBe(false);
    expect(names.some((n) => n.includes('layer.backend.name./c'))).toBe(false);
  });

  // 127.0.0.2 is loopback too, but a socket bound to 127.0.0.1 alone does not answer it; one on every interface does.
  it('binds loopback under the hanzo profile when listen_address names no host, every interface under krakend (as KrakenD)', async () => {
    const statsAt = async (profile: 'hanzo' | 'krakend', listen: string) => {
      const gw = await startRuntime(base([{ endpoint: '/a', backend: [{ url_pattern: '/a' }] }], { extra_config: { 'telemetry/metrics': { listen_address: listen } } }), { profile });
      cleanups.push(() => gw.close());
      const line = /\/__stats\/ on port (\d+) \(([^)]*)\)/.exec(gw.logs.join('\n'))!;
      const port = Number(line[1]);
      expect((await request(`http://127.0.0.1:${port}/__stats/`)).status).toBe(200);
      const other = await request(`http://127.0.0.2:${port}/__stats/`).then((r) => r.status, (e: Error) => e.message);
      return [line[2], other];
    };
    const [hanzoBound, hanzoOther] = await statsAt('hanzo', ':0');
    expect(hanzoBound).toBe('127.0.0.1');
    expect(hanzoOther).toMatch(/ECONNREFUSED/);
    const [krakendBound, krakendOther] = await statsAt('krakend', ':0');
    expect(krakendBound).toBe('every interface');
    expect(krakendOther).toBe(200);
    // A host the config names is used under either profile.
    const [named, namedOther] = await statsAt('hanzo', '0.0.0.0:0');
    expect([named, namedOther]).toEqual(['0.0.0.0', 200]);
    // Empty brackets name no host either (Go's SplitHostPort gives ""): loopback under hanzo.
    const [bracketed, bracketedOther] = await statsAt('hanzo', '[]:0');
    expect(bracketed).toBe('127.0.0.1');
    expect(bracketedOther).toMatch(/ECONNREFUSED/);
  });

  it('does not half-start: when /__stats/ cannot listen, the gateway closes its own port and reports the error', async () => {
    const holder = await startServer((_req, res) => res.end());
    cleanups.push(() => holder.close());
    const probe = await startServer((_req, res) => res.end());
    const port = probe.port;
    await probe.close();
    const attempt = startRuntime(base([{ endpoint: '/a', backend: [{ url_pattern: '/a' }] }], { extra_config: { 'telemetry/metrics': { listen_address: `127.0.0.1:${holder.port}` } } }), { port });
    await expect(attempt).rejects.toThrow(/EADDRINUSE/);
    // Its own port was open before /__stats/ failed; it is closed again.
    await expect(request(`http://127.0.0.1:${port}/__health`)).rejects.toThrow(/ECONNREFUSED/);
  });
});
