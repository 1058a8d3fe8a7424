import type { ProxyWrapperFactory } from '../../core/endpoint-context.js';
import { stats } from './stats-registry.js';

/**
 * krakend-metrics' proxy layers: around an endpoint's pipe (`layer.pipe`,
 * named by the endpoint) or one backend (`layer.backend`, named by its URL
 * pattern), a `krakend.proxy.requests…` counter and a
 * `krakend.proxy.latency…` histogram (nanoseconds), split by whether the
 * answer was complete and whether it failed.
 */
export const proxyMetrics: ProxyWrapperFactory = (endpoint, backend) => {
  const layer = backend ? `layer.backend.name.${backend.urlPattern}` : `layer.pipe.name.${endpoint.endpoint}`;
  return (next) => (ctx, done) => {
    const started = process.hrtime.bigint();
    return next(ctx, (err, response) => {
      const tail = `complete.${response?.isComplete === true}.error.${err !== null}`;
      stats.inc(`krakend.proxy.requests.${layer}.${tail}`);
      stats.observe(`krakend.proxy.latency.${layer}.${tail}`, Number(process.hrtime.bigint() - started));
      done(err, response);
    });
  };
};
