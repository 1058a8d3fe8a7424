import type { BackendPlan } from '../../plan/plan.js';
import type { Upstream, UpstreamDeps } from '../../shared/upstream/upstream.js';
import { createBaseHa } from './base-ha-upstream.js';
import { RedisPins } from './redis-pins.js';

/**
 * base_ha with `read_your_writes_store`: the same upstream, pins shared
 * through Redis. A separate entry so only configs that name a store link the
 * Redis client. One store per URL and TTL in the process.
 */
const stores = new Map<string, RedisPins>();

export function baseHaUpstreamWithRedisPins(backend: BackendPlan, deps: UpstreamDeps): Upstream {
  return createBaseHa(backend, deps, (url, ttlMs) => {
    const key = `${url}#${ttlMs}`;
    let store = stores.get(key);
    if (!store) {
      store = new RedisPins(url, ttlMs, deps.log);
      stores.set(key, store);
    }
    return store;
  });
}
