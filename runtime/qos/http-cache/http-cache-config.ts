/**
 * Why: `qos/http-cache` has three options (`shared`, `max_items`,
 * `max_size`). KrakenD keeps an unbounded cache unless both sizes are given;
 * hgw always bounds memory, with defaults large enough to change nothing for
 * ordinary configs. Read when the Plan is built.
 */
import { settingsParser } from '../../plan/settings.js';

export const DEFAULT_MAX_ITEMS = 1000;
export const DEFAULT_MAX_SIZE = 64 * 1024 * 1024;

export interface HttpCacheConfig {
  /**
   * `shared: true`: one store for every backend that sets it (KrakenD's
   * meaning), and the RFC 9111 shared-cache rules apply to it (`s-maxage`,
   * `private` and `Authorization` honoured, Set-Cookie responses not stored).
   * false: a store of this backend's own, with private-cache rules, as
   * KrakenD's (a private cache) behaves.
   */
  shared: boolean;
  /** Most entries kept before the least recently used is evicted. */
  maxItems: number;
  /** Most bytes (bodies plus headers) kept before the least recently used is evicted. */
  maxSize: number;
}

/** Any value turns the cache on (as in KrakenD); options that are not objects' members get the defaults. */
export const httpCacheSettings = /* @__PURE__ */ settingsParser<HttpCacheConfig>((raw) => {
  const o = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  return {
    shared: o.shared === true,
    maxItems: positiveInteger(o.max_items) ?? DEFAULT_MAX_ITEMS,
    maxSize: positiveInteger(o.max_size) ?? DEFAULT_MAX_SIZE,
  };
});

/** Sizes under 1 are the schema's finding (schema-range); the defaults stand in for them. */
function positiveInteger(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 1 ? Math.floor(v) : undefined;
}
