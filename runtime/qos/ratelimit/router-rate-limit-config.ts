/**
 * `qos/ratelimit/router` read into buckets, as krakend-ratelimit reads it:
 * `max_rate` per `every` for all clients together (0 or absent: no limit),
 * `client_max_rate` per `every` for each client as `strategy` (+ `key`)
 * identifies it, capacities defaulting to the per-second rate (at least 1).
 * One departure: KrakenD defaults `client_capacity` by testing `max_rate`
 * instead of `client_max_rate` (a slip that makes it 1 whenever `max_rate` is
 * absent); here it follows `client_max_rate`, as documented.
 */
import { capacityOption, everyOption, limitsFor, rateOption, storeOption } from './limit-options.js';
import type { BucketLimits } from './token-bucket.js';

export const ROUTER_RATE_LIMIT_NAMESPACE = 'qos/ratelimit/router';

export type ClientStrategy = 'ip' | 'header' | 'param';

export interface RouterRateLimitConfig {
  /** The bucket all clients share; undefined for none. */
  global?: BucketLimits;
  /** Each client's bucket and how a client is recognised; undefined for none. */
  client?: { limits: BucketLimits; strategy: ClientStrategy; key: string };
  /** hgw: a Redis URL to share the buckets across gateways. */
  store?: string;
}

/** Undefined when the value is not an object or limits nothing. */
export function routerRateLimitConfig(raw: unknown, warn: (message: string) => void): RouterRateLimitConfig | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    if (raw !== undefined) warn('wrong extra config');
    return undefined;
  }
  const o = raw as Record<string, unknown>;
  const every = everyOption(o.every, true);
  const config: RouterRateLimitConfig = {};
  const global = limitsFor(rateOption(o.max_rate), capacityOption(o.capacity), every);
  if (global) config.global = global;
  const clientLimits = limitsFor(rateOption(o.client_max_rate), capacityOption(o.client_capacity), every);
  if (clientLimits) {
    const strategy = typeof o.strategy === 'string' ? o.strategy.toLowerCase() : '';
    const key = typeof o.key === 'string' ? o.key : '';
    if (strategy === 'ip' || strategy === 'header' || strategy === 'param') config.client = { limits: clientLimits, strategy, key };
    else warn(`Unknown strategy ${JSON.stringify(o.strategy ?? '')}: no per-client limit`);
  }
  if (!config.global && !config.client) return undefined;
  const store = storeOption(o.store, warn);
  if (store) config.store = store;
  return config;
}
