/**
 * `qos/ratelimit/proxy`: how many calls per `every` the gateway makes to one
 * backend entry (each entry its own bucket, as in KrakenD). A call over the
 * limit is not made: it fails through the handler with KrakenD's own error,
 * and the endpoint treats it like any failed backend. With `store`, the
 * bucket lives in Redis and every gateway shares it.
 */
import type { BackendPlan } from '../../plan/plan.js';
import type { BackendStageFactory, Upstream, UpstreamDeps, UpstreamHandler, UpstreamRequest } from '../../shared/upstream/upstream.js';
import { forwardingStage } from '../../shared/upstream/forwarding-stage.js';
import { PROXY_REFUSALS } from './refusal-counter.js';
import { BucketLimiter } from './bucket-limiter.js';
import type { RateLimitOptions } from './router-rate-limit.js';

/** krakend-ratelimit's ErrLimited, spelling included ("exceded"): it is what return_error_msg shows. */
export const PROXY_RATE_LIMIT_ERROR = 'rate limit exceded';

export const proxyRateLimit: BackendStageFactory = (backend, deps, next) => createProxyRateLimit(backend, deps, next);

export function createProxyRateLimit(
  backend: BackendPlan,
  deps: UpstreamDeps,
  next: Upstream,
  options: Omit<RateLimitOptions, 'maxClients'> & { release?: () => void } = {},
): Upstream {
  const prefix = `[BACKEND: ${backend.urlPattern}][Ratelimit]`;
  const config = backend.settings['qos/ratelimit-proxy'];
  if (config === undefined) return next;
  // The Redis client is linked only through redis-rate-limits.ts, which passes `redisStore` (and `release`).
  const release = options.release ?? (() => {});
  const store = config.store === undefined ? undefined : options.redisStore?.(config.store);
  if (config.store !== undefined && store === undefined) deps.log.warn(`${prefix} "store" needs the Redis-enabled rate limiter; using this gateway's own buckets`);
  // Backends carry no endpoint name: the Redis scope is what the call goes to, plus the entry's position.
  const scope = `backend ${backend.method} ${backend.hosts.join(',')}${backend.urlPattern} #${backend.index}`;
  const limiter = new BucketLimiter(config.limits, scope, { clock: options.clock }, store);
  deps.log.debug(`${prefix} Enabling the rate limiter: ${config.limits.perMs * 1000}/s, capacity ${config.limits.capacity}`);

  const call = (request: UpstreamRequest, handler: UpstreamHandler, wait: number) => {
    if (wait === 0) next.dispatch(request, handler);
    else {
      PROXY_REFUSALS.add();
      handler.onError(new Error(PROXY_RATE_LIMIT_ERROR));
    }
  };
  return forwardingStage(next, {
    dispatch(request, handler) {
      const wait = limiter.take('');
      if (typeof wait === 'number') call(request, handler, wait);
      else
        wait
          .then((w) => call(request, handler, w))
          .catch((e: Error) => handler.onError(e));
    },
    async close() {
      release();
      await next.close();
    },
  });
}
