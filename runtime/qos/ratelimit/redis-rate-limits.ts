import type { EndpointMiddlewareFactory } from '../../core/middleware.js';
import type { BackendStageFactory } from '../../shared/upstream/upstream.js';
import { createProxyRateLimit } from './proxy-rate-limit.js';
import { createRouterRateLimit } from './router-rate-limit.js';
import { acquireRedisBucketStore } from './shared-redis-bucket-stores.js';

/**
 * The rate limiters with a `store` (cluster-wide buckets in Redis). A separate
 * entry so only configs that name a store link the Redis client.
 */
export const routerRateLimitWithRedis: EndpointMiddlewareFactory = (endpoint, deps) =>
  createRouterRateLimit(endpoint, deps, { redisStore: (url) => acquireRedisBucketStore(url, deps.log).store });

export const proxyRateLimitWithRedis: BackendStageFactory = (backend, deps, next) => {
  const releases: Array<() => void> = [];
  return createProxyRateLimit(backend, deps, next, {
    redisStore: (url) => {
      const shared = acquireRedisBucketStore(url, deps.log);
      releases.push(() => shared.release());
      return shared.store;
    },
    release: () => releases.forEach((r) => r()),
  });
};
