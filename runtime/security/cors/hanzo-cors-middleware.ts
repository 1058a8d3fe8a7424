import { HANZO_PROPERTY_DOMAINS } from '../../core/hanzo-domains.js';
import { originHost } from '../../shared/headers/origin-host.js';
import type { OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { MiddlewareFactory } from '../../core/middleware.js';
import { firstRequestHeader, requestHeaderLines } from '../../shared/headers/request-header-lines.js';
import { BACKEND_HEADER_DROP } from '../../core/responses.js';
import { BACKEND_CORS_HEADERS } from '../../shared/headers/backend-cors-headers.js';
import { markFastPathReady } from '../../core/fast-path/fast-path-ready.js';

/**
 * The Go Hanzo gateway's one CORS policy (hanzo-core §5.5, `cors.go`): a
 * credentialed allowlist instead of KrakenD's `security/cors`.
 *
 * An Origin is allowlisted when it is exactly one of the local development
 * origins or of `GATEWAY_CORS_ORIGINS` (comma-separated `scheme://host[:port]`),
 * or when its host (scheme, path and port cut off; case-sensitive) is one of
 * the Hanzo domains or a subdomain of one. `WIDGET_ALLOWED_ORIGINS` does not
 * change that domain list.
 *
 * For an allowlisted Origin the response gets `Access-Control-Allow-Origin:
 * <origin>`, `Access-Control-Allow-Credentials: true`, `Vary: Origin`, the
 * fixed allowed headers and methods and `Access-Control-Max-Age: 86400`; an
 * OPTIONS request is answered 204 right here, before auth. Any other request
 * (or Origin) goes on, the latter without any CORS header.
 *
 * The gateway is the only source of CORS headers: whatever the endpoint
 * passes to `res.writeHead` under the six `Access-Control-Allow-*` /
 * `-Max-Age` / `-Expose-Headers` names (a no-op backend's own CORS answer) is
 * dropped, on every response. This wraps `writeHead` of that response object
 * only; headers set with `setHeader` are not touched (they are the gateway's).
 */
export const HANZO_CORS_DEV_ORIGINS: readonly string[] = [
  'http://localhost:3000',
  'http://localhost:3001',
  'http://localhost:3100',
  'http://localhost:5173',
  'http://localhost:8080',
  'http://127.0.0.1:3000',
];

export const HANZO_CORS_DOMAINS: readonly string[] = HANZO_PROPERTY_DOMAINS;

export const HANZO_CORS_ALLOW_HEADERS =
  'Content-Type, Authorization, X-User-Id, X-Org-Id, X-Project-Id, X-Environment, X-Roles, X-User-Email, X-Request-ID, X-Client-ID, X-Requested-With, Accept, Accept-Language';
export const HANZO_CORS_ALLOW_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';
export const HANZO_CORS_MAX_AGE = '86400';

export interface HanzoCorsPolicy {
  /** Whether this Origin value gets the credentialed CORS headers. */
  allows(origin: string): boolean;
}

export function hanzoCorsPolicy(env: Readonly<Record<string, string | undefined>>): HanzoCorsPolicy {
  const exact = new Set(HANZO_CORS_DEV_ORIGINS);
  for (const o of (env.GATEWAY_CORS_ORIGINS ?? '').split(',')) {
    const t = o.trim();
    if (t !== '') exact.add(t);
  }
  const domains = new Set(HANZO_CORS_DOMAINS);
  return {
    allows(origin) {
      if (origin === '') return false;
      if (exact.has(origin)) return true;
      const host = originHost(origin);
      if (host === '') return false;
      if (domains.has(host)) return true;
      for (let dot = host.indexOf('.'); dot !== -1; dot = host.indexOf('.', dot + 1)) {
        if (domains.has(host.slice(dot + 1))) return true;
      }
      return false;
    },
  };
}

/** The host of an Origin, as the widget gate cuts it too (one copy, in the floor). */
export { originHost };

/**
 * The credentialed headers for an allowlisted Origin; `full: false` sets only
 * the first three (what the panic-recovery 500 carries).
 */
export function setHanzoCorsHeaders(res: ServerResponse, origin: string, full = true): void {
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  res.setHeader('Vary', 'Origin');
  if (!full) return;
  res.setHeader('Access-Control-Allow-Headers', HANZO_CORS_ALLOW_HEADERS);
  res.setHeader('Access-Control-Allow-Methods', HANZO_CORS_ALLOW_METHODS);
  res.setHeader('Access-Control-Max-Age', HANZO_CORS_MAX_AGE);
}

/**
 * A preflight's `Access-Control-Allow-Headers` (the newest cors.go): the
 * request's `Access-Control-Request-Headers` names, each trimmed, joined with
 * `, `; the fixed list when the request names none.
 */
export function preflightAllowHeaders(requested: readonly string[]): string | undefined {
  const names: string[] = [];
  for (const line of requested) {
    for (const part of line.split(',')) {
      const name = part.trim();
      if (name !== '') names.push(name);
    }
  }
  return names.length === 0 ? undefined : names.join(', ');
}

export const hanzoCorsMiddleware: MiddlewareFactory = (deps) => {
  const policy = hanzoCorsPolicy(deps.env);
  // Under the hanzo profile the production headers already drop a backend's CORS headers.
  const stripHere = deps.service.edge?.productionHeaders !== true;
  // Uses only what the fast path's raw response offers (core/fast-path/).
  return markFastPathReady((req, res, next) => {
    if (stripHere) {
      stripBackendCors(res);
      (res as ServerResponse & { [BACKEND_HEADER_DROP]?: ReadonlySet<string> })[BACKEND_HEADER_DROP] = BACKEND_CORS_HEADERS;
    }
    const origin = firstRequestHeader(req, 'origin');
    // Not allowlisted (a preflight too): no CORS header; routing answers, with gin's 405 + Allow where OPTIONS is not served.
    if (!policy.allows(origin)) {
      next();
      return;
    }
    setHanzoCorsHeaders(res, origin);
    if (req.method === 'OPTIONS') {
      const echoed = preflightAllowHeaders(requestHeaderLines(req, 'access-control-request-headers'));
      if (echoed !== undefined) {
        res.setHeader('Access-Control-Allow-Headers', echoed);
        res.setHeader('Vary', 'Origin, Access-Control-Request-Headers');
      }
      res.writeHead(204).end();
      return;
    }
    next();
  });
};

type WriteHead = ServerResponse['writeHead'];

/**
 * From now on, `res.writeHead` drops the six CORS response headers from the
 * headers it is given (object, flat array or array of pairs); headers already
 * set with `setHeader` stay. Only this response object is changed.
 */
export function stripBackendCors(res: ServerResponse): void {
  const original = res.writeHead as (this: ServerResponse, ...args: unknown[]) => ServerResponse;
  const wrapped = function (this: ServerResponse, ...args: unknown[]): ServerResponse {
    const last = args.length - 1;
    if (last >= 1 && args[last] !== null && typeof args[last] === 'object') args[last] = withoutCors(args[last] as OutgoingHttpHeaders | OutgoingHttpHeader[]);
    return original.apply(this, args);
  };
  res.writeHead = wrapped as WriteHead;
}

function withoutCors(headers: OutgoingHttpHeaders | OutgoingHttpHeader[]): OutgoingHttpHeaders | OutgoingHttpHeader[] {
  if (Array.isArray(headers)) {
    if (headers.length > 0 && Array.isArray(headers[0])) {
      return (headers as unknown as [string, unknown][]).filter((pair) => !BACKEND_CORS_HEADERS.has(String(pair[0]).toLowerCase())) as unknown as OutgoingHttpHeader[];
    }
    const out: OutgoingHttpHeader[] = [];
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (!BACKEND_CORS_HEADERS.has(String(headers[i]).toLowerCase())) out.push(headers[i]!, headers[i + 1]!);
    }
    return out;
  }
  let copy: OutgoingHttpHeaders | undefined;
  for (const name of Object.keys(headers)) {
    if (BACKEND_CORS_HEADERS.has(name.toLowerCase())) {
      copy ??= { ...headers };
      delete copy[name];
    }
  }
  return copy ?? headers;
}
