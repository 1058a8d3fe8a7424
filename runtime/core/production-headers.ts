/**
 * The Go engine's `ProductionHeadersMiddleware` (hanzo-core.md §4.2), first in
 * the hanzo profile's chain, plus `stripBackendCORS` on every answer. Once per
 * response, when its head is written (by `writeHead`, or implicitly by the
 * first write), the stamp:
 *
 * - drops `X-KRAKEND` and `X-Powered-By`, whoever set them;
 * - moves `X-Krakend-Completed` to `X-Gateway-Completed` unless that is set;
 * - sets `Server` to the brand of the request's Host (`hanzo`, `lux`, … or
 *   `gateway`), `X-Api-Version` to the build version, `X-Content-Type-Options:
 *   nosniff` and `Strict-Transport-Security: max-age=63072000; includeSubDomains`;
 * - drops a backend's own CORS headers: the gateway's CORS policy is the only
 *   source (headers the gateway set with `setHeader` stay).
 *
 * A WebSocket upgrade never gets here (it answers on the raw socket), so a
 * hijacked 101 is not stamped, as in Go. The stamp works on the headers handed
 * to `writeHead` so the no-op endpoint keeps Node's fast path (no setHeader).
 */
import type { IncomingMessage, OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { BACKEND_CORS_HEADERS } from '../shared/headers/backend-cors-headers.js';
import { brandForHost, NEUTRAL_SERVER_BRAND } from './brand-for-host.js';
import type { MiddlewareFactory } from './middleware.js';
import { firstRequestHeader } from '../shared/headers/request-header-lines.js';
import { BACKEND_HEADER_DROP } from './responses.js';
import { markFastPathReady } from './fast-path/fast-path-ready.js';

export const HSTS_POLICY = 'max-age=63072000; includeSubDomains';

/** Names the stamp owns (its own value replaces any other) or removes, lower case. */
const OWNED = new Set(['server', 'x-api-version', 'x-content-type-options', 'strict-transport-security', 'x-powered-by', 'x-krakend']);

/** What a backend's header lines may not carry to the client under this profile. */
const DROPPED_FROM_BACKENDS: ReadonlySet<string> = new Set([...OWNED, ...BACKEND_CORS_HEADERS]);

const STAMP = Symbol('hgw.productionStamp');
/** The response's own writeHead: Node's HTTP/1, or the HTTP/2 compatibility response's (they are not interchangeable). */
const OWN_WRITE_HEAD = Symbol('hgw.ownWriteHead');

type WriteHeadFn = (this: ServerResponse, status: number, ...rest: unknown[]) => ServerResponse;
type StampedResponse = ServerResponse & { [STAMP]?: string; [OWN_WRITE_HEAD]?: WriteHeadFn; [BACKEND_HEADER_DROP]?: ReadonlySet<string> };

export const productionHeadersMiddleware: MiddlewareFactory = (deps) => {
  const version = deps.brand.version;
  // Uses only what the fast path's raw response offers (core/fast-path/).
  return markFastPathReady((req, res, next) => {
    const r = res as StampedResponse;
    r[STAMP] = version;
    r[OWN_WRITE_HEAD] = r.writeHead as unknown as WriteHeadFn;
    r[BACKEND_HEADER_DROP] = DROPPED_FROM_BACKENDS;
    // One shared function (it reads the response from `this`), so a request allocates no closure.
    r.writeHead = stampedWriteHead as ServerResponse['writeHead'];
    next();
  });
};

function stampedWriteHead(this: StampedResponse, status: number, ...rest: unknown[]): ServerResponse {
  const version = this[STAMP];
  const nodeWriteHead = this[OWN_WRITE_HEAD]!;
  // Stamp once: a second writeHead (Node throws on it anyway) goes straight through.
  if (version === undefined) return nodeWriteHead.call(this, status, ...rest);
  this[STAMP] = undefined;
  const last = rest.length - 1;
  const given = last >= 0 && rest[last] !== null && typeof rest[last] === 'object' ? (rest[last] as OutgoingHttpHeaders | OutgoingHttpHeader[]) : undefined;
  let completed: string | undefined;
  if (this.getHeaderNames().length > 0) completed = stampSetHeaders(this);
  const stamp = stampLines(this.req, version);
  let headers: OutgoingHttpHeaders | OutgoingHttpHeader[];
  if (given === undefined) {
    for (let i = 0; i < stamp.length; i += 2) this.setHeader(stamp[i]!, stamp[i + 1]!);
    if (completed !== undefined && !this.hasHeader('x-gateway-completed')) this.setHeader('X-Gateway-Completed', completed);
    return nodeWriteHead.call(this, status, ...rest);
  }
  if (Array.isArray(given)) headers = stampedArray(given, stamp, completed);
  else headers = stampedObject(given, stamp, completed);
  rest[last] = headers;
  return nodeWriteHead.call(this, status, ...rest);
}

/**
 * The stamp's lines depend only on the Host's brand (a handful) and the build
 * version (one per gateway), so each is built once; callers only read it.
 */
const STAMPS = new Map<string, Map<string, readonly string[]>>();

function stampLines(req: IncomingMessage, version: string): readonly string[] {
  const brand = brandForHost(firstRequestHeader(req, 'host')) || NEUTRAL_SERVER_BRAND;
  let byBrand = STAMPS.get(version);
  if (byBrand === undefined) STAMPS.set(version, (byBrand = new Map()));
  let lines = byBrand.get(brand);
  if (lines === undefined) {
    const built = ['Server', brand];
    if (version !== '') built.push('X-Api-Version', version);
    built.push('X-Content-Type-Options', 'nosniff', 'Strict-Transport-Security', HSTS_POLICY);
    byBrand.set(brand, (lines = built));
  }
  return lines;
}

/** Headers already set on the response: drop what the stamp owns; hand back X-Krakend-Completed's value (removed). */
function stampSetHeaders(res: ServerResponse): string | undefined {
  for (const name of OWNED) if (res.hasHeader(name)) res.removeHeader(name);
  const completed = res.getHeader('x-krakend-completed');
  if (completed === undefined) return undefined;
  res.removeHeader('x-krakend-completed');
  return String(completed);
}

/** A flat `[name, value, …]` list (or pairs) without the dropped names, with the stamp appended. */
function stampedArray(given: OutgoingHttpHeader[], stamp: readonly string[], completedSet: string | undefined): OutgoingHttpHeader[] {
  const out: OutgoingHttpHeader[] = [];
  let completed = completedSet;
  let hasGatewayCompleted = false;
  const pairs = given.length > 0 && Array.isArray(given[0]);
  const step = pairs ? 1 : 2;
  for (let i = 0; i < given.length; i += step) {
    const name = String(pairs ? (given[i] as unknown as [string, unknown])[0] : given[i]);
    const value = pairs ? (given[i] as unknown as [string, OutgoingHttpHeader])[1] : given[i + 1]!;
    const lower = name.toLowerCase();
    if (DROPPED_FROM_BACKENDS.has(lower)) continue;
    if (lower === 'x-krakend-completed') {
      completed ??= String(value);
      continue;
    }
    if (lower === 'x-gateway-completed') hasGatewayCompleted = true;
    out.push(name, value);
  }
  if (completed !== undefined && !hasGatewayCompleted) out.push('X-Gateway-Completed', completed);
  for (const line of stamp) out.push(line);
  return out;
}

function stampedObject(given: OutgoingHttpHeaders, stamp: readonly string[], completedSet: string | undefined): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  let completed = completedSet;
  let hasGatewayCompleted = false;
  for (const name of Object.keys(given)) {
    const lower = name.toLowerCase();
    if (DROPPED_FROM_BACKENDS.has(lower)) continue;
    if (lower === 'x-krakend-completed') {
      completed ??= String(given[name]);
      continue;
    }
    if (lower === 'x-gateway-completed') hasGatewayCompleted = true;
    out[name] = given[name];
  }
  if (completed !== undefined && !hasGatewayCompleted) out['X-Gateway-Completed'] = completed;
  for (let i = 0; i < stamp.length; i += 2) out[stamp[i]!] = stamp[i + 1]!;
  return out;
}
