import type { EndpointMiddlewareFactory } from '../../core/middleware.js';
import { stats } from './stats-registry.js';

/**
 * krakend-metrics' router layer for one endpoint: per answer a
 * `krakend.router.response.<endpoint>.status.<code>` counter and the
 * `.time` (nanoseconds) and `.size` (bytes, when the length is known)
 * histograms.
 */
export const routerMetrics: EndpointMiddlewareFactory = (endpoint) => {
  const prefix = `krakend.router.response.${endpoint.endpoint}`;
  return (_req, res, _params, next) => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      stats.inc(`${prefix}.status.${res.statusCode}`);
      stats.observe(`${prefix}.time`, Number(process.hrtime.bigint() - started));
      const size = Number(res.getHeader('content-length'));
      if (Number.isFinite(size)) stats.observe(`${prefix}.size`, size);
    });
    next();
  };
};
