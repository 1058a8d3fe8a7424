/**
 * Why: RFC 9111 §4.2 decides whether a stored response may answer a request
 * without the origin: its freshness lifetime (§4.2.1), its current age
 * (§4.2.3) and the request's own limits (`max-age`, `min-fresh`,
 * `max-stale`, `no-cache`, §5.2.1). Keeping the arithmetic here keeps the
 * clock-dependent rules testable in one place.
 */
import { deltaSecondsMs, type Directives } from './cache-control.js';
import { headerValues } from './header-lines.js';
import type { StoredResponse } from './stored-response.js';

/** A header's HTTP-date in ms, or undefined when absent or unparsable. */
export function httpDateMs(headers: readonly string[], lower: string): number | undefined {
  const v = headerValues(headers, lower)[0];
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

/** RFC 9111 §4.2.1: `s-maxage` (shared caches), else `max-age`, else `Expires` − `Date`; no heuristics. */
export function freshnessLifetimeMs(cc: Directives, headers: readonly string[], shared: boolean, responseTime: number): number {
  if (shared && cc.has('s-maxage')) return deltaSecondsMs(cc.get('s-maxage'));
  if (cc.has('max-age')) return deltaSecondsMs(cc.get('max-age'));
  const expiresLine = headerValues(headers, 'expires')[0];
  if (expiresLine === undefined) return 0;
  // An invalid Expires (`0`, `-1`) means "already expired".
  const expires = httpDateMs(headers, 'expires');
  if (expires === undefined) return 0;
  const date = httpDateMs(headers, 'date') ?? responseTime;
  return Math.max(0, expires - date);
}

/** RFC 9111 §4.2.3 `corrected_initial_age`: the age the response already had when it reached us. */
export function initialAgeMs(headers: readonly string[], requestTime: number, responseTime: number): number {
  const date = httpDateMs(headers, 'date') ?? responseTime;
  const apparentAge = Math.max(0, responseTime - date);
  const ageLine = headerValues(headers, 'age')[0];
  const ageValue = ageLine !== undefined && /^\s*\d+\s*$/.test(ageLine) ? Math.min(Number(ageLine), 2147483648) * 1000 : 0;
  const correctedAgeValue = ageValue + (responseTime - requestTime);
  return Math.max(apparentAge, correctedAgeValue);
}

export function currentAgeMs(stored: StoredResponse, now: number): number {
  return stored.initialAgeMs + Math.max(0, now - stored.responseTime);
}

/** Whether the stored response may answer this request without contacting the origin. */
export function reusableWithoutOrigin(stored: StoredResponse, requestCc: Directives, now: number): boolean {
  if (stored.alwaysRevalidate || requestCc.has('no-cache')) return false;
  const age = currentAgeMs(stored, now);
  if (requestCc.has('max-age') && age > deltaSecondsMs(requestCc.get('max-age'))) return false;
  const remaining = stored.lifetimeMs - age;
  if (requestCc.has('min-fresh') && remaining < deltaSecondsMs(requestCc.get('min-fresh'))) return false;
  if (remaining > 0) return true;
  // Stale: only when the client accepts staleness and the origin did not forbid it.
  if (stored.neverStale || !requestCc.has('max-stale')) return false;
  const maxStale = requestCc.get('max-stale');
  return maxStale === true || -remaining <= deltaSecondsMs(maxStale);
}
