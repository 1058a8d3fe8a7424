import { REQUEST_ID, REQUEST_ID_HEADER, type RequestWithId } from '../shared/request-id.js';
import type { IncomingMessage } from 'node:http';
import { socketIp } from '../shared/client-ip/client-ip.js';
import { asksForTrailers, withoutHopHeaders } from './hop-headers.js';
import type { ProxyTarget } from './host-table.js';

/**
 * The request a host route sends on, as Go's NewSingleHostReverseProxy
 * directs it: the backend's scheme and host; path = backend path + request
 * path with exactly one `/` between them (after `rewrite` replaced the matched
 * prefix); backend query + request query joined with `&`; the client's
 * headers minus hop-by-hop ones; the socket's IP appended to X-Forwarded-For;
 * Host = the backend's host (Go's comment says otherwise; its code does this).
 * X-Forwarded-Host/-Proto/-Port, X-Real-IP and Forwarded pass only from a
 * trusted proxy (Go passes a client's too).
 */
export interface ForwardedRequest {
  origin: string;
  /** Path and query, encoded, as they go on the request line. */
  path: string;
  /** Flat `[name, value, …]`. */
  headers: string[];
}

/** Dropped besides hop-by-hop: Host is the backend's, Expect was answered by this server, XFF is rebuilt. */
const REPLACED = new Set(['host', 'expect', 'x-forwarded-for']);

/**
 * From a peer that is not a trusted proxy, also the headers that state how the
 * request reached the edge (Go passes them on): only a proxy in
 * GATEWAY_TRUSTED_PROXIES may say them; a client's are removed.
 */
const REPLACED_UNTRUSTED = new Set([...REPLACED, 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-real-ip', 'forwarded']);

const REPLACED_WITH_ID = new Set([...REPLACED, 'x-request-id']);
const REPLACED_UNTRUSTED_WITH_ID = new Set([...REPLACED_UNTRUSTED, 'x-request-id']);

export function forwardedRequest(
  req: IncomingMessage,
  target: ProxyTarget,
  route: { prefix?: string; rewrite?: string },
  rawPath: string,
  decodedPath: string,
  rawQuery: string,
  fromTrustedProxy = true,
): ForwardedRequest {
  const raw = req.rawHeaders;
  // With telemetry/logging, the request id the access log carries replaces the client's line (or is added).
  const requestId = (req as RequestWithId)[REQUEST_ID];
  const headers = withoutHopHeaders(raw, requestId === undefined ? (fromTrustedProxy ? REPLACED : REPLACED_UNTRUSTED) : fromTrustedProxy ? REPLACED_WITH_ID : REPLACED_UNTRUSTED_WITH_ID);
  if (requestId !== undefined) headers.push(REQUEST_ID_HEADER, requestId);
  if (asksForTrailers(raw)) headers.push('Te', 'trailers');
  const prior: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]!.toLowerCase() === 'x-forwarded-for') prior.push(raw[i + 1]!);
  const ip = socketIp(req);
  headers.push('X-Forwarded-For', prior.length > 0 ? `${prior.join(', ')}, ${ip}` : ip);
  return { origin: target.origin, path: forwardedPath(target, route, rawPath, decodedPath, rawQuery), headers };
}

/** Path and query on the backend: the backend's path joined to the request's (after `rewrite`), queries joined with `&`. */
export function forwardedPath(
  target: Pick<ProxyTarget, 'basePath' | 'baseQuery'>,
  route: { prefix?: string; rewrite?: string },
  rawPath: string,
  decodedPath: string,
  rawQuery: string,
): string {
  let path = rawPath;
  if (route.rewrite !== undefined && route.prefix !== undefined) {
    // Go rewrites the decoded path and re-encodes it; replacing in the raw path keeps the client's own escapes when the prefix is plain.
    path = rawPath.startsWith(route.prefix) ? route.rewrite + rawPath.slice(route.prefix.length) : escapePath(route.rewrite + decodedPath.slice(route.prefix.length));
  }
  const joined = joinSlash(target.basePath, path);
  const query = target.baseQuery === '' || rawQuery === '' ? target.baseQuery + rawQuery : `${target.baseQuery}&${rawQuery}`;
  return query === '' ? joined : `${joined}?${query}`;
}

/** Go's singleJoiningSlash. */
export function joinSlash(a: string, b: string): string {
  const aSlash = a.endsWith('/');
  const bSlash = b.startsWith('/');
  if (aSlash && bSlash) return a + b.slice(1);
  if (!aSlash && !bSlash) return `${a}/${b}`;
  return a + b;
}

/** A decoded path back to its escaped form, keeping the characters Go leaves in paths. */
export function escapePath(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%(24|26|2B|2C|3A|3B|3D|40)/g, (m) => decodeURIComponent(m)))
    .join('/');
}
