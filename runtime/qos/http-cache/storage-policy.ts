/**
 * Why: RFC 9111 §3 lists when a response may be stored at all, and §3.1
 * which of its header lines must be left out; the answer also differs
 * between a private and a shared cache. This file turns one exchange into
 * "do not store" or the exact record to store.
 *
 * Choices within what the RFC allows, documented here:
 * - Only statuses the RFC calls heuristically cacheable are stored (200, 203,
 *   204, 300, 301, 308, 404, 405, 410, 414, 501; not 206: no range support),
 *   and only with explicit freshness (`max-age`, `s-maxage`, `Expires`) or a
 *   validator to revalidate with — no heuristic lifetimes, as KrakenD's cache.
 * - Set-Cookie (§7.3: it does not inhibit caching): a private cache stores
 *   and replays it, as KrakenD's does; a shared cache does not store such a
 *   response at all — replaying one client's cookie to another is never
 *   right, and not storing is always allowed.
 * - Qualified `private="f"` (shared) and `no-cache="f"` (both): the named
 *   lines are left out of the stored copy instead of being revalidated.
 */
import { fieldNamesOf, type Directives } from './cache-control.js';
import { freshnessLifetimeMs, initialAgeMs } from './freshness.js';
import { hasHeader, headerListItems, headerValues, withoutHeaders } from './header-lines.js';
import type { StoredResponse } from './stored-response.js';

export const STORABLE_STATUSES: ReadonlySet<number> = new Set([200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501]);

/** Lines that describe one connection or one transfer, never the stored message (RFC 9111 §3.1). */
const NOT_STORED = ['connection', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'upgrade', 'trailer', 'age'];

/** Lines a 304 must not change in the stored response (RFC 9111 §3.2): they describe the stored body. */
const NOT_UPDATED_BY_304 = new Set([...NOT_STORED, 'content-length', 'content-encoding', 'content-range']);

export interface Exchange {
  /** The request sent to the backend (flat lines) and its parsed Cache-Control. */
  requestHeaders: readonly string[];
  requestCc: Directives;
  status: number;
  statusText: string;
  /** The response's header lines, and its parsed Cache-Control. */
  responseHeaders: readonly string[];
  responseCc: Directives;
  requestTime: number;
  responseTime: number;
  shared: boolean;
}

/** The record to store for this exchange (body left empty, filled once it has streamed), or null when it must not be stored. */
export function storableRecord(x: Exchange): StoredResponse | null {
  const { requestCc: req, responseCc: res, shared } = x;
  if (!STORABLE_STATUSES.has(x.status)) return null;
  if (req.has('no-store') || res.has('no-store')) return null;
  if (shared && res.get('private') === true) return null;
  if (shared && hasHeader(x.requestHeaders, 'authorization') && !res.has('public') && !res.has('s-maxage') && !res.has('must-revalidate')) return null;
  if (shared && hasHeader(x.responseHeaders, 'set-cookie')) return null;
  const vary = headerListItems(x.responseHeaders, 'vary').map((n) => n.toLowerCase());
  if (vary.includes('*')) return null;

  const lifetimeMs = freshnessLifetimeMs(res, x.responseHeaders, shared, x.responseTime);
  const etag = headerValues(x.responseHeaders, 'etag')[0];
  const lastModified = headerValues(x.responseHeaders, 'last-modified')[0];
  const alwaysRevalidate = res.get('no-cache') === true;
  const hasValidator = etag !== undefined || lastModified !== undefined;
  if (alwaysRevalidate ? !hasValidator : lifetimeMs <= 0 && !hasValidator) return null;

  const drop = new Set(NOT_STORED);
  for (const token of headerListItems(x.responseHeaders, 'connection')) drop.add(token.toLowerCase());
  for (const name of fieldNamesOf(res.get('no-cache'))) drop.add(name);
  if (shared) for (const name of fieldNamesOf(res.get('private'))) drop.add(name);

  return {
    status: x.status,
    statusText: x.statusText,
    headers: withoutHeaders(x.responseHeaders, drop),
    body: Buffer.alloc(0),
    requestTime: x.requestTime,
    responseTime: x.responseTime,
    initialAgeMs: initialAgeMs(x.responseHeaders, x.requestTime, x.responseTime),
    lifetimeMs,
    alwaysRevalidate,
    neverStale: res.has('must-revalidate') || (shared && res.has('proxy-revalidate')),
    etag,
    lastModified,
    varyNames: [...new Set(vary)].sort(),
    url: undefined,
  };
}

/** The stored header lines updated from a 304 (RFC 9111 §3.2): each line the 304 carries replaces the stored lines of that name. */
export function headersAfterNotModified(stored: readonly string[], notModified: readonly string[]): string[] {
  const replaced = new Set<string>();
  for (let i = 0; i < notModified.length; i += 2) {
    const lower = notModified[i]!.toLowerCase();
    if (!NOT_UPDATED_BY_304.has(lower)) replaced.add(lower);
  }
  const out = withoutHeaders(stored, replaced);
  for (let i = 0; i < notModified.length; i += 2) if (replaced.has(notModified[i]!.toLowerCase())) out.push(notModified[i]!, notModified[i + 1]!);
  return out;
}
