import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ListenerFactory } from '../../core/start.js';
import { stats } from './stats-registry.js';

/**
 * `/__stats/` on its own listener (`listen_address`, default `:8090`), as
 * krakend-metrics serves it: the flat JSON of every metric, plus the
 * process's memory as `krakend.service.debug.MemStats.*` gauges. An address
 * without a host binds every interface under the krakend profile, as KrakenD
 * does, and loopback under hanzo: numbers about every route are not for the
 * network unless the config names an address.
 */
export const statsListener: ListenerFactory = async ({ service, log }) => {
  const cfg = service.settings['telemetry/metrics'];
  if (!cfg) throw new Error('telemetry/metrics is not an object');
  // Under hanzo a listen_address without host (`:8090`, `[]:8090`) binds loopback; KrakenD binds every interface.
  const host = cfg.host ?? (service.profile.name === 'hanzo' ? '127.0.0.1' : undefined);
  const { port } = cfg;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/__stats/' && path !== '/__stats') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found');
      return;
    }
    const memory = process.memoryUsage();
    const body = JSON.stringify({
      ...stats.snapshot(),
      'krakend.service.debug.MemStats.Alloc': { value: memory.heapUsed },
      'krakend.service.debug.MemStats.HeapSys': { value: memory.heapTotal },
      'krakend.service.debug.MemStats.Sys': { value: memory.rss },
      'krakend.service.debug.MemStats.External': { value: memory.external },
    });
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host }, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  log.info(`telemetry/metrics: /__stats/ on port ${bound.port} (${host === undefined ? 'every interface' : bound.address})`);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
