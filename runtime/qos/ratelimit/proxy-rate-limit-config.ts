/**
 * `qos/ratelimit/proxy` read into one bucket, as krakend-ratelimit reads it:
 * `max_rate` calls per `every` (default 1s; unlike the router limit, shorter
 * windows are kept) with a burst of `capacity` (default: the per-second rate,
 * at least 1). A rate of 0 or none limits nothing.
 */
import { settingsParser } from '../../plan/settings.js';
import { capacityOption, everyOption, limitsFor, rateOption, storeOption } from './limit-options.js';
import type { BucketLimits } from './token-bucket.js';

export interface ProxyRateLimitConfig {
  limits: BucketLimits;
  /** hgw: a Redis URL to share the bucket across gateways. */
  store?: string;
}

/** No settings when the value is not an object or has no positive rate. Runs when the Plan is built. */
export const proxyRateLimitSettings = /* @__PURE__ */ settingsParser<ProxyRateLimitConfig>((raw, problems) => {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const o = raw as Record<string, unknown>;
  const limits = limitsFor(rateOption(o.max_rate), capacityOption(o.capacity), everyOption(o.every, false));
  if (!limits) return undefined;
  const store = storeOption(o.store, problems);
  return store ? { limits, store } : { limits };
});
