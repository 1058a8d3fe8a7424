import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EndpointPlan, ServicePlan } from '../plan/plan.js';
import type { Branding } from '../shared/branding.js';
import type { EndpointHandler } from './endpoint-context.js';
import { writeHealth } from './health.js';
import { DEBUG_PREFIX, handleDebug } from './debug-endpoint.js';
import { ECHO_PREFIX, handleEcho } from './echo-endpoint.js';
import type { Logger } from '../shared/log/logger.js';
import type { EndpointMiddleware, Middleware } from './middleware.js';
import { writeGatewayError, writeRedirect, writeRouterMiss } from './responses.js';
import { cleanPath, Router } from './router.js';
import { POWERED_BY_HEADER } from '../shared/branding.js';
import { logAccess } from './access-log.js';
import { assignRequestId } from '../shared/request-id.js';
import { encodeJson } from '../shared/json/encode-json.js';
import { malformedHead, writeMalformedHead } from './request-head.js';
import type { JsonValue } from '../shared/json/json-number.js';
import type { Readiness } from './readiness.js';
import { wrapOutermostFirst } from '../shared/wrap-outermost-first.js';
import { CLIENT_IP, type RequestWithClientIp } from '../shared/client-ip/client-ip.js';
import type { ClientIpPolicy } from '../shared/client-ip/service-client-ip.js';

/**
 * The request entry point, in gin's order: service endpoints (`/__health`,
 * `/__debug/`, `/__echo/`), the route table, then the misses — trailing-slash
 * and fixed-path redirects, 405, 404. Handlers are built once, before the
 * first request.
 */
export interface RoutedEndpoint {
  plan: EndpointPlan;
  handler: EndpointHandler;
  middleware?: EndpointMiddleware[];
}

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface ListenerOptions {
  /** `/__debug/` on (debug_endpoint, or `-d`). */
  debug: boolean;
  log: Logger;
  /** Router middleware, run in order before routing. */
  middleware?: Middleware[];
  /** Whether the upstreams can route; `/__health` is 503 until then (absent: always ready). */
  readiness?: Readiness;
  /** The service's client-IP policy (trusted proxies, the hanzo profile); absent: Lura's default where the IP is read. */
  clientIp?: ClientIpPolicy;
}

export function createRequestListener(service: ServicePlan, brand: Branding, endpoints: RoutedEndpoint[], options: ListenerOptions): RequestListener {
  // gin's recovery: a bug in a stage costs this request a 500, never the process — also when the stage
  // ran on after an await (a middleware's next() from a promise), where no caller would catch it.
  const recover = createRecover(service, brand, options.log);
  const router = new Router<EndpointHandler>();
  for (const ep of endpoints) router.add(ep.plan.method, ep.plan.route, withEndpointMiddleware(ep.handler, ep.middleware ?? [], recover));
  const r = service.router;
  const healthPath = r.disableHealth ? undefined : r.healthPath;
  const errorBody404 = r.errorBody['404'] === undefined ? undefined : encodeJson(r.errorBody['404'] as JsonValue);
  const errorBody405 = r.errorBody['405'] === undefined ? undefined : encodeJson(r.errorBody['405'] as JsonValue);
  const decode = !r.disablePathDecoding;
  const before = requestPreamble(service, options.log, options.clientIp);

  const route: RequestListener = (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    const rawQuery = q === -1 ? '' : url.slice(q + 1);
    const method = req.method ?? 'GET';
    const path = routedPath(rawPath, r);
    if (path === undefined) {
      writeGatewayError(res, brand, 400, '400 Bad Request');
      return;
    }
    if (path === healthPath && method === 'GET') {
      writeHealth(res, options.readiness?.isReady() ?? true);
      return;
    }
    if (path.startsWith('/__debug') && options.debug) {
      if (path.startsWith(DEBUG_PREFIX)) handleDebug(req, res, options.log);
      else if (path === '/__debug') writeRedirect(req, res, DEBUG_PREFIX + (q === -1 ? '' : url.slice(q)));
      else writeRouterMiss(res, brand, 404, errorBody404);
      return;
    }
    if (path.startsWith('/__echo') && service.echoEndpoint) {
      if (path.startsWith(ECHO_PREFIX)) handleEcho(req, res);
      else if (path === '/__echo') writeRedirect(req, res, ECHO_PREFIX + (q === -1 ? '' : url.slice(q)));
      else writeRouterMiss(res, brand, 404, errorBody404);
      return;
    }

    const match = router.find(method, path);
    if (match.kind === 'found') {
      if (decode && hasEncodedParam(match.params)) {
        writeGatewayError(res, brand, 400, 'error: encoded url params');
        return;
      }
      match.handler(req, res, match.params, rawQuery);
      return;
    }
    if (method === 'OPTIONS' && r.autoOptions && match.kind === 'method-not-allowed') {
      // router.auto_options: answer OPTIONS with the methods the path has.
      res.writeHead(200, { Allow: match.allowed.join(', '), [POWERED_BY_HEADER]: brand.poweredBy, 'Content-Length': 0 }).end();
      return;
    }
    if (method !== 'CONNECT' && path !== '/') {
      const twin = r.disableRedirectTrailingSlash ? undefined : router.trailingSlashTwin(method, path);
      const fixed = twin ?? (r.disableRedirectFixedPath ? undefined : router.fixedPath(method, path));
      if (fixed !== undefined) {
        const prefix = forwardedPrefix(req);
        writeRedirect(req, res, prefix + fixed + (q === -1 ? '' : url.slice(q)));
        return;
      }
    }
    if (match.kind === 'method-not-allowed' && !r.disableHandleMethodNotAllowed) writeRouterMiss(res, brand, 405, errorBody405, match.allowed);
    else writeRouterMiss(res, brand, 404, errorBody404);
  };
  const chain = withRouterMiddleware(route, options.middleware ?? [], recover);
  return (req, res) => {
    before?.(req, res);
    const malformed = malformedHead(req);
    if (malformed !== undefined) {
      writeMalformedHead(res, malformed);
      return;
    }
    try {
      chain(req, res);
    } catch (e) {
      recover(req, res, e);
    }
  };
}

export type Recover = (req: IncomingMessage, res: ServerResponse, e: unknown) => void;

/**
 * gin's recovery: a bug in a stage costs this request a 500, never the
 * process. The Go engine's recovery (hanzo profile) answers JSON; Lura's gin
 * recovery an empty 500. Shared with the fast path (core/fast-path/).
 */
export function createRecover(service: ServicePlan, brand: Branding, log: Logger): Recover {
  const hanzoEngine = service.profile?.name === 'hanzo';
  return (req, res, e) => {
    log.error(`recovered from a panic on ${req.method} ${req.url}: ${(e as Error)?.stack ?? String(e)}`);
    if (res.headersSent) res.destroy();
    else if (hanzoEngine) res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': PANIC_BODY.length }).end(PANIC_BODY);
    else writeGatewayError(res, brand, 500, undefined);
  };
}

/**
 * What runs on every request before anything answers it: the client IP under
 * the service's policy (trusted proxies, the hanzo profile), the request id
 * (the gateway owns it under hanzo; under krakend it comes with structured
 * logging, so a config without telemetry/logging sends backends nothing
 * KrakenD would not), and the access-log line. Undefined when none is on.
 * Shared with the fast path.
 */
export function requestPreamble(service: ServicePlan, log: Logger, clientIp?: ClientIpPolicy): RequestListener | undefined {
  const r = service.router;
  const hanzoEngine = service.profile?.name === 'hanzo';
  const skipLog = new Set(r.loggerSkipPaths);
  const accessLog = !r.disableAccessLog && log.enabled('INFO');
  const logsIds = service.settings['telemetry/logging'] !== undefined;
  const requestIds = hanzoEngine || logsIds;
  if (!accessLog && !requestIds && clientIp === undefined) return undefined;
  return (req, res) => {
    if (clientIp !== undefined) (req as RequestWithClientIp)[CLIENT_IP] = clientIp(req);
    if (requestIds) assignRequestId(req, hanzoEngine);
    if (accessLog) logAccess(req, res, log, skipLog, logsIds);
  };
}

/** The path routing sees: percent-decoded unless disable_path_decoding, cleaned with remove_extra_slash; undefined is a bad escape (400). */
export function routedPath(rawPath: string, r: ServicePlan['router']): string | undefined {
  const decoded = r.disablePathDecoding ? rawPath : decodePath(rawPath);
  return r.removeExtraSlash && decoded !== undefined ? cleanPath(decoded) : decoded;
}

const PANIC_BODY = Buffer.from('{"error":"internal server error"}');

/** Router middleware in order, then routing; built once. The fast path runs the same chain. */
export function withRouterMiddleware(route: RequestListener, middleware: Middleware[], recover: Recover): RequestListener {
  return wrapOutermostFirst(
    middleware,
    route,
    (mw, after): RequestListener =>
      (req, res) =>
        mw(req, res, () => {
          try {
            after(req, res);
          } catch (e) {
            recover(req, res, e);
          }
        }),
  );
}

/** Endpoint middleware in order, then the handler; built once, and nothing added when there is none. */
/** An endpoint's middleware in order, then its handler; built once. The fast path runs the same chain. */
export function withEndpointMiddleware(handler: EndpointHandler, middleware: EndpointMiddleware[], recover: Recover): EndpointHandler {
  return wrapOutermostFirst(middleware, handler, (mw, after): EndpointHandler => (req, res, params, rawQuery) => {
    const url = req.url;
    mw(req, res, params, () => {
      try {
        // A middleware may rewrite the URL (Lua router scripts); the query then comes from the new one.
        after(req, res, params, req.url === url ? rawQuery : queryOf(req.url));
      } catch (e) {
        recover(req, res, e);
      }
    });
  });
}

function queryOf(url: string | undefined): string {
  const q = (url ?? '').indexOf('?');
  return q === -1 ? '' : url!.slice(q + 1);
}

/** Go's URL.Path: the request path percent-decoded; a bad escape is Go's 400 before routing. */
export function decodePath(raw: string): string | undefined {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** Lura's param check: a value that still unescapes to something else, or holds `?` / `#`, was smuggled in encoded. */
export function hasEncodedParam(params: string[]): boolean {
  for (const p of params) {
    if (p.includes('?') || p.includes('#')) return true;
    if (p.includes('%')) {
      try {
        if (decodeURIComponent(p) !== p) return true;
      } catch {
        // not a valid escape: the value stands as it is
      }
    }
  }
  return false;
}

/**
 * gin honours X-Forwarded-Prefix in its redirects, sanitised as since its
 * CVE-2023-26125 fix: the path cleaned, every character outside
 * `[a-zA-Z0-9/-]` removed, repeated slashes collapsed — so `//evil.com` can
 * never become a protocol-relative Location.
 */
function forwardedPrefix(req: IncomingMessage): string {
  const p = req.headers['x-forwarded-prefix'];
  if (typeof p !== 'string' || p === '') return '';
  // cleanPath roots the prefix; the redirect target after it starts with `/`.
  return cleanPath(p).replace(/[^a-zA-Z0-9/-]+/g, '').replace(/\/{2,}/g, '/').replace(/\/+$/, '');
}
