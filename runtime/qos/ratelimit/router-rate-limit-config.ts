/**
 * `qos/ratelimit/router` read into buckets, as krakend-ratelimit reads it:
 * `max_rate` per `every` for all clients together (0 or absent: no limit),
 * `client_max_rate` per `every` for each client as `strategy` (+ `key`)
 * identifies it, capacities defaulting to the per-second rate (at least 1).
 * One departure: KrakenD defaults `client_capacity` by testing `max_rate`
 * instead of `client_max_rate` (a slip that makes it 1 whenever `max_rate` is
 * absent); here it follows `client_max_rate`, as documented.
 */
import { settingsParser } from '../../plan/settings.js';
import { capacityOption, everyOption, limitsFor, rateOption, storeOption } from './limit-options.js';
import type { BucketLimits } from './token-bucket.js';

export type ClientStrategy = 'ip' | 'header' | 'param';

export interface RouterRateLimitConfig {
  /** The bucket all clients share; undefined for none. */
  global?: BucketLimits;
  /** Each client's bucket and how a client is recognised; undefined for none. */
  client?: { limits: BucketLimits; strategy: ClientStrategy; key: string };
  /** hgw: a Redis URL to share the buckets across gateways. */
  store?: string;
}

/** No settings when the value is not an object; `{}` when it limits nothing. Runs when the Plan is built. */
export const routerRateLimitSettings = /* @__PURE__ */ settingsParser<RouterRateLimitConfig>((raw, problems) => {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const o = raw as Record<string, unknown>;
  const every = everyOption(o.every, true);
  const config: RouterRateLimitConfig = {};
  const global = limitsFor(rateOption(o.max_rate), capacityOption(o.capacity), every);
  if (global) config.global = global;
  const clientLimits = limitsFor(rateOption(o.client_max_rate), capacityOption(o.client_capacity), every);
  if (clientLimits) {
    const strategy = typeof o.strategy === 'string' ? o.strategy.toLowerCase() : '';
    const key = typeof o.key === 'string' ? o.key : '';
    if (strategy === 'ip' || strategy === 'header' || strategy === 'param') {
      config.client = { limits: clientLimits, strategy, key };
      if (key === '' && strategy !== 'ip') {
        problems.warn(o.key === undefined ? '/strategy' : '/key', `strategy "${strategy}" with no key identifies no client: every request is refused with 429`, `Name the ${strategy === 'header' ? 'header' : 'route parameter'} that identifies a client in "key".`);
      }
    } else if (o.strategy === undefined) {
      // A strategy that is not one of the three is the schema's finding (schema-enum).
      problems.warn('/client_max_rate', 'client_max_rate without a strategy: no per-client limit', 'Set "strategy" to "ip", "header" (with "key") or "param" (with "key").');
    }
  }
  // An endpoint's own limit that limits nothing still stands: the service's does not apply there.
  if (!config.global && !config.client) return config;
  const store = storeOption(o.store, problems);
  if (store) config.store = store;
  return config;
});
