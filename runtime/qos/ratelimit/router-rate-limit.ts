/**
 * `qos/ratelimit/router`: how many requests an endpoint accepts, from all
 * clients together (`max_rate`) and from each client (`client_max_rate`);
 * both apply, the client's bucket first as in KrakenD (a client refused for
 * its own quota does not use up everyone's). An endpoint with its own
 * `qos/ratelimit/router` uses that; the others use the service-level one
 * (an hgw/Go-gateway extension) and share ONE set of buckets for it, so the
 * service limit is a limit on all of them together. Over the limit: 429
 * (rate-limited-response.ts). With `store`, the buckets live in Redis.
 */
import type { ServerResponse } from 'node:http';
import type { EndpointMiddleware, EndpointMiddlewareFactory, MiddlewareDeps, Next } from '../../core/middleware.js';
import { writeGatewayError } from '../../core/responses.js';
import type { EndpointPlan, ServicePlan } from '../../plan/plan.js';
import { BucketLimiter } from './bucket-limiter.js';
import { clientKey } from './client-key.js';
import type { Clock } from './clock.js';
import { writeRateLimited } from './rate-limited-response.js';
import type { RouterRateLimitConfig } from './router-rate-limit-config.js';
import type { RedisBucketStore } from './redis-bucket-store.js';
import { markFastPathReady } from '../../core/fast-path/fast-path-ready.js';

export interface RateLimitOptions {
  /** Time source for the local buckets (tests stop time with it). */
  clock?: Clock;
  /** Most client buckets kept in memory per limit (default keyed-buckets.ts DEFAULT_MAX_BUCKETS). */
  maxClients?: number;
  /** The Redis store to use instead of the process-wide one for `store` (tests run two "gateways" in one process). */
  redisStore?: (url: string) => RedisBucketStore;
}

/** One limit's buckets: built per endpoint, or once per service for the service-level limit. */
interface RouterLimiters {
  config: RouterRateLimitConfig;
  global?: BucketLimiter;
  client?: BucketLimiter;
}

const serviceLimiters = new WeakMap<ServicePlan, RouterLimiters | null>();

const GLOBAL_KEY = '';

export const routerRateLimit: EndpointMiddlewareFactory = (endpoint, deps) => createRouterRateLimit(endpoint, deps);

export function createRouterRateLimit(endpoint: EndpointPlan, deps: MiddlewareDeps, options: RateLimitOptions = {}): EndpointMiddleware {
  const limiters = limitersFor(endpoint, deps, options);
  if (limiters === undefined) return markFastPathReady((_req, _res, _params, next) => next());
  const { global, client } = limiters;
  const brand = deps.brand;
  const clientOf = limiters.config.client ? clientKey(limiters.config.client.strategy, limiters.config.client.key, endpoint, deps) : undefined;
  const prefix = `[ENDPOINT: ${endpoint.endpoint}][Ratelimit]`;

  const failed = (res: ServerResponse) => (e: unknown) => {
    deps.log.error(`${prefix} ${(e as Error)?.stack ?? String(e)}`);
    writeGatewayError(res, brand, 500, undefined);
  };

  const takeGlobal = (res: ServerResponse, next: Next): void => {
    if (global === undefined) return next();
    const wait = global.take(GLOBAL_KEY);
    if (typeof wait === 'number') {
      if (wait === 0) next();
      else writeRateLimited(res, brand, wait);
      return;
    }
    wait.then((w) => (w === 0 ? next() : writeRateLimited(res, brand, w))).catch(failed(res));
  };

  // Reads the request, answers 429/500 through the header API: what the fast path's raw response offers (core/fast-path/).
  return markFastPathReady((req, res, params, next) => {
    if (client === undefined || clientOf === undefined) return takeGlobal(res, next);
    const id = clientOf(req, params);
    if (id === '') return writeRateLimited(res, brand, undefined);
    const wait = client.take(id);
    if (typeof wait === 'number') {
      if (wait === 0) takeGlobal(res, next);
      else writeRateLimited(res, brand, wait);
      return;
    }
    wait.then((w) => (w === 0 ? takeGlobal(res, next) : writeRateLimited(res, brand, w))).catch(failed(res));
  });
}

/** The endpoint's own limit, else the service's shared one, else none. */
function limitersFor(endpoint: EndpointPlan, deps: MiddlewareDeps, options: RateLimitOptions): RouterLimiters | undefined {
  const own = endpoint.settings['qos/ratelimit-router'];
  if (own !== undefined) return buildLimiters(own, `${endpoint.method} ${endpoint.endpoint}`, `[ENDPOINT: ${endpoint.endpoint}][Ratelimit]`, deps, options);
  let shared = serviceLimiters.get(deps.service);
  if (shared === undefined) {
    const config = deps.service.settings['qos/ratelimit-router'];
    shared = (config && buildLimiters(config, '*', '[SERVICE][Ratelimit]', deps, options)) ?? null;
    serviceLimiters.set(deps.service, shared);
  }
  return shared ?? undefined;
}

/** `scope` names the limit in Redis: the same endpoint in every gateway gets the same buckets. */
function buildLimiters(config: RouterRateLimitConfig, scope: string, prefix: string, deps: MiddlewareDeps, options: RateLimitOptions): RouterLimiters | undefined {
  if (!config.global && !config.client) return undefined;
  // The Redis client is linked only through redis-rate-limits.ts, which passes `redisStore`.
  const store = config.store === undefined ? undefined : options.redisStore?.(config.store);
  if (config.store !== undefined && store === undefined) deps.log.warn(`${prefix} "store" needs the Redis-enabled rate limiter; using this gateway's own buckets`);
  const limiters: RouterLimiters = { config };
  if (config.global) {
    limiters.global = new BucketLimiter(config.global, `${scope}:g`, { clock: options.clock }, store);
    deps.log.debug(`${prefix} Rate limit enabled. MaxRate: ${config.global.perMs * 1000}/s, Capacity: ${config.global.capacity}`);
  }
  if (config.client) {
    const onOverflow = (max: number) =>
      deps.log.warn(`${prefix} more than ${max} clients at once: the least recently seen ones lose their bucket and start over with a full one`);
    limiters.client = new BucketLimiter(config.client.limits, `${scope}:c:`, { clock: options.clock, maxBuckets: options.maxClients, onOverflow }, store);
    deps.log.debug(
      `${prefix} Rate limit enabled. Strategy: ${config.client.strategy} (key: ${config.client.key}), MaxRate: ${config.client.limits.perMs * 1000}/s, Capacity: ${config.client.limits.capacity}`,
    );
  }
  if (store) deps.log.info(`${prefix} buckets shared through ${store.name}`);
  return limiters;
}
