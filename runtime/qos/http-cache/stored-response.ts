/**
 * Why: one shape for a cached backend answer — what is replayed (status,
 * headers, body) plus the RFC 9111 bookkeeping needed to judge it later
 * (when it was fetched, its initial age, its freshness lifetime, its
 * validators) — shared by the store, the freshness rules and the replay.
 */
export interface StoredResponse {
  status: number;
  statusText: string;
  /** Header lines as stored: hop-by-hop, `Age` and withheld fields removed. */
  headers: string[];
  body: Buffer;
  /** When the request that fetched it went out, and when its headers came back (ms). */
  requestTime: number;
  responseTime: number;
  /** RFC 9111 §4.2.3 `corrected_initial_age`, ms. */
  initialAgeMs: number;
  /** RFC 9111 §4.2.1 freshness lifetime, ms (0: stale at once, usable only after revalidation). */
  lifetimeMs: number;
  /** Response `no-cache`: every reuse needs a successful revalidation. */
  alwaysRevalidate: boolean;
  /** `must-revalidate` (or `proxy-revalidate` in a shared cache): never served stale. */
  neverStale: boolean;
  etag: string | undefined;
  lastModified: string | undefined;
  /** Lower-case names of the request headers the response varies on, sorted. */
  varyNames: string[];
  /** The URL the upstream called for it, given to requests it answers (for error texts). */
  url: string | undefined;
}
